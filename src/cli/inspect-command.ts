import type { Command } from 'commander';
import { resolve } from 'node:path';
import { inspectOnnx } from '../models/onnx-inspect.js';
import { loadModel } from '../models/load.js';
import { UsageError } from '../config/errors.js';

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('Show a model: inputs, outputs, opset, op histogram, parameters, and whether exact gradients are available.')
    .argument('<model>', 'an .onnx file, or a TF.js model.json / its folder')
    .option('--json', 'print JSON instead of text')
    .action(async (path: string, o: { json?: boolean }) => {
      const abs = resolve(path);
      if (abs.toLowerCase().endsWith('.onnx')) {
        let info;
        try {
          info = await inspectOnnx(abs);
        } catch (e) {
          throw new UsageError(`cannot read ${path} as ONNX: ${(e as Error).message}`);
        }
        if (o.json) {
          process.stdout.write(JSON.stringify(info, null, 2) + '\n');
          return;
        }
        const shape = (s: (number | string | null)[] | null) => (s ? `[${s.map((d) => d ?? '?').join(', ')}]` : '(unknown)');
        const lines = [
          `model      ${path}`,
          `producer   ${info.producer || '(unknown)'}   IR ${info.irVersion}   opset ${info.opset}`,
          ...info.inputs.map((v) => `input      ${v.name} ${v.dtype} ${shape(v.shape)}`),
          ...info.outputs.map((v) => `output     ${v.name} ${v.dtype} ${shape(v.shape)}`),
          `parameters ${info.parameterCount.toLocaleString('en-US')}`,
          `ops        ${Object.entries(info.opHistogram)
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => `${k}×${n}`)
            .join(' ')}`,
          info.exactGradients
            ? 'gradients  exact (every op on the input→output path has a reverse-mode rule)'
            : `gradients  estimated — no reverse-mode rule for: ${info.unsupportedOps.map((u) => `${u.opType} (node ${u.node})`).join(', ')}`,
        ];
        process.stdout.write(lines.join('\n') + '\n');
        return;
      }
      let model;
      try {
        model = await loadModel({ path: abs, layout: 'NHWC', pixelRange: [0, 1], outputs: 'auto' });
      } catch (e) {
        throw new UsageError(`cannot load ${path}: ${(e as Error).message}`);
      }
      const m = model.meta;
      await model.dispose();
      const info = { format: m.format, input: m.inputName, sampleShape: m.sampleShape, output: m.outputName, classes: m.numClasses, backend: m.backend, gradients: model.gradientMode };
      if (o.json) process.stdout.write(JSON.stringify(info, null, 2) + '\n');
      else process.stdout.write(Object.entries(info).map(([k, v]) => `${k.padEnd(10)} ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`).join('\n') + '\n');
    });
}
