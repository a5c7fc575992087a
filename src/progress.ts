import cliProgress from 'cli-progress';

/** Progress of long work: bars on a TTY, plain periodic lines otherwise (CI logs). */
export interface Progress {
  task(label: string, total: number): ProgressTask;
  log(message: string): void;
}
export interface ProgressTask {
  tick(n?: number): void;
  done(): void;
}

export const silentProgress: Progress = {
  task: () => ({ tick: () => {}, done: () => {} }),
  log: () => {},
};

/**
 * Progress on stderr. With a TTY: a cli-progress bar per task. Without (CI): one line when a task
 * starts, then at most one line every `intervalMs`, and one when it ends.
 */
export function stderrProgress(opts: { quiet?: boolean; intervalMs?: number } = {}): Progress {
  if (opts.quiet) return silentProgress;
  const tty = Boolean(process.stderr.isTTY) && !process.env.CI;
  const interval = opts.intervalMs ?? 10_000;
  return {
    log: (m) => process.stderr.write(`faultline: ${m}\n`),
    task(label, total) {
      const started = Date.now();
      if (tty) {
        const bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% {value}/{total} eta {eta_formatted}`, stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
        return { tick: (n = 1) => bar.increment(n), done: () => bar.stop() };
      }
      let done = 0;
      let last = started;
      process.stderr.write(`faultline: ${label}: started${total > 0 ? ` (${total})` : ''}\n`);
      return {
        tick(n = 1) {
          done += n;
          const now = Date.now();
          if (now - last >= interval) {
            last = now;
            process.stderr.write(`faultline: ${label}: ${total > 0 ? `${done}/${total} (${Math.round((100 * done) / total)}%)` : `${done} done`}\n`);
          }
        },
        done() {
          process.stderr.write(`faultline: ${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        },
      };
    },
  };
}
