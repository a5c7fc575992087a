/** One problem in a config, located in its file. Printed as `audit.yaml:12:5 /model/layout must be ...`. */
export interface ConfigIssue {
  file: string;
  line: number | null;
  col: number | null;
  pointer: string;
  message: string;
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.line === null ? i.file : `${i.file}:${i.line}:${i.col ?? 1}`;
  return `${where} ${i.pointer || '/'} ${i.message}`;
}

/** A config that cannot be used (exit code 2). */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** A usage error on the command line (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The audit could not run: model or data unloadable, a probe crashed (exit code 3). */
export class AuditRunError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditRunError';
  }
}
