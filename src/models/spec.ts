import { resolve } from 'node:path';
import type { Layout, ModelFormat, ModelSpec, OutputKind } from './types.js';

/** The `model:` config section (snake_case, defaults applied) as a ModelSpec with an absolute path. */
export function modelSpecFromConfig(m: Record<string, unknown>, baseDir: string): ModelSpec {
  const path = resolve(baseDir, String(m.path));
  return {
    path,
    format: (m.format as ModelFormat | undefined) ?? inferFormat(path),
    layout: (m.layout as Layout | undefined) ?? 'NCHW',
    inputSize: m.input_size as [number, number] | undefined,
    channels: m.channels as number | undefined,
    pixelRange: (m.pixel_range as [number, number] | undefined) ?? [0, 1],
    mean: m.mean as number[] | undefined,
    std: m.std as number[] | undefined,
    classNames: m.class_names as string[] | undefined,
    outputs: (m.outputs as OutputKind | 'auto' | undefined) ?? 'auto',
    threads: m.threads as number | undefined,
    batchSize: (m.batch_size as number | undefined) ?? 128,
    inputName: m.input_name as string | undefined,
    outputName: m.output_name as string | undefined,
  };
}

/** `.onnx` is ONNX; anything else (model.json or its folder) is left to the TF.js loader to classify. */
export function inferFormat(path: string): ModelFormat | undefined {
  return path.toLowerCase().endsWith('.onnx') ? 'onnx' : undefined;
}
