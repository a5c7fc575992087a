import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { packageRoot } from '../src/paths.js';

/**
 * imagecorruptions run live next to faultline, so the bench compares both under the same machine load.
 * On a shared VM the speed drifts by ±50% within an hour (the stored reference measured 234 ms for the
 * 19 corruptions at severity 3 one evening and 349 ms an hour later on the same machine), so a ratio
 * against a stored figure says as much about the load as about faultline. Set
 * FAULTLINE_IMAGECORRUPTIONS=DIR (a folder holding the imagecorruptions package, see
 * bench/reference/time_imagecorruptions.py for the Debian packages it needs) and the bench alternates one
 * round of faultline with one round of the reference. Without it, the stored figures are used.
 */
export class LiveReference {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly info: { versions: Record<string, string>; cpu_model: string; python: string },
  ) {}

  /** Starts the reference server, or returns null (with the reason) when it is not configured or fails. */
  static async start(): Promise<{ ref: LiveReference | null; reason: string }> {
    const dir = process.env.FAULTLINE_IMAGECORRUPTIONS;
    if (!dir) return { ref: null, reason: 'FAULTLINE_IMAGECORRUPTIONS not set' };
    if (!existsSync(join(dir, 'imagecorruptions'))) return { ref: null, reason: `no imagecorruptions package in ${dir}` };
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const script = join(packageRoot(), 'bench', 'reference', 'time_imagecorruptions.py');
    const child = spawn(python, [script, dir, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const rl: Interface = createInterface({ input: child.stdout });
    const lines = rl[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) return { ref: null, reason: `the reference did not start: ${stderr.trim().split('\n').slice(-1)[0] ?? 'no output'}` };
    const info = JSON.parse(first.value) as { versions: Record<string, string>; cpu_model: string; python: string };
    return { ref: new LiveReference(child, lines, info), reason: '' };
  }

  /**
   * One round: each corruption at severity 3 `warm` times untimed and then `calls` times timed, in a row
   * (alternating the two images), as an audit applies one corruption to many images; the ms of every
   * timed call, per corruption.
   */
  async round(calls: number, warm: number): Promise<Record<string, number[]>> {
    this.child.stdin.write(`round ${calls} ${warm}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error('the imagecorruptions reference stopped');
    return JSON.parse(line.value) as Record<string, number[]>;
  }

  async close(): Promise<void> {
    this.child.stdin.end('quit\n');
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}
