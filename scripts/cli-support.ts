import pc from 'picocolors';

/**
 * A failure the CLI reports as one clear line (no stack trace unless --debug) with an exit code.
 * Errors from the layers below (ConnectError, ConfigError, …) are turned into this at the edge.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit codes shared by every command: like `terraform plan -detailed-exitcode`. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

export function isDebug(): boolean {
  return process.argv.includes('--debug') || process.env.CDCCTL_DEBUG === '1';
}

/** Prints an error as one line (plus the suggestion a typed error carries) and returns the exit code. */
export function reportError(error: unknown): number {
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.error;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${pc.red('error')}: ${message}\n`);
  const suggestion = (error as { suggestion?: string } | null)?.suggestion;
  if (suggestion) process.stderr.write(`  ${pc.dim('hint')}: ${suggestion}\n`);
  if (isDebug() && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return exitCode;
}

/** Progress lines go to stderr so that stdout stays machine-readable (`--output json`). */
export function progress(message: string): void {
  process.stderr.write(`${pc.dim('…')} ${message}\n`);
}
