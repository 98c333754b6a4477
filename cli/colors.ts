import { createColors } from 'picocolors';

/**
 * Colour for one output stream, decided as most command-line tools decide it: `--no-color` or
 * `NO_COLOR` (any value) turns it off, `FORCE_COLOR` (anything but `0`) on; otherwise only a
 * terminal gets colour (`TERM=dumb` none). Per stream: `cdcctl … 2>log` keeps colour on the
 * terminal's stdout and none in the log; `CI=true` alone never turns colour on (picocolors' own
 * default does, so CI logs piped through `cat -v` showed escape codes).
 */
export function colorEnabled(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): boolean {
  if (argv.includes('--no-color') || 'NO_COLOR' in env) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** Colours for what goes to stdout. */
export const pc = createColors(colorEnabled(process.stdout));
/** Colours for what goes to stderr (errors, warnings, progress). */
export const pcErr = createColors(colorEnabled(process.stderr));
