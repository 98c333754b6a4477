import { Option, type Command } from 'commander';
import { withCompletionValues } from './completion';
import { CONNECT_URL_VARIABLE, ENVIRONMENT_VARIABLE } from './environment-variables';
import { serviceUrlProblem } from '../connectors/connect/service-url';
import { pcErr } from './colors';
import { ENVIRONMENT_NAMES, loadEnvironment, type Environment } from '../config';
import { maskCredentials } from '../config/secrets';
import { EXIT } from '../connectors/connect/plan';
import { printable } from '../connectors/connect/untrusted-text';
import { shownText } from '../connectors/secrets';

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
export { EXIT } from '../connectors/connect/plan';

export function isDebug(): boolean {
  return process.argv.includes('--debug') || process.env.CDCCTL_DEBUG === '1';
}

/** An error shows at most this many lines (a list of problems), each at most this long. */
const MAX_ERROR_LINES = 200;
const MAX_ERROR_LINE_LENGTH = 2_000;

/**
 * An error message's lines as they may be printed: every line shown as outside text is (shownText:
 * credentials masked, control characters escaped, capped), as many lines as are worth reading.
 * Messages carry names, URLs and servers' words that the layers below put in as they came.
 */
function errorLines(message: string): string[] {
  const lines = message.split(/\r?\n/);
  const shown = lines.slice(0, MAX_ERROR_LINES).map((line) => shownText(line, MAX_ERROR_LINE_LENGTH));
  if (lines.length > MAX_ERROR_LINES) shown.push(`… ${lines.length - MAX_ERROR_LINES} more lines not shown`);
  return shown;
}

/**
 * Prints an error (plus the suggestion a typed error carries) and returns the exit code. A message
 * of several lines (every problem of a config, say) continues indented, so that no line of it can
 * pass for an `error:` line of its own.
 */
export function reportError(error: unknown): number {
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.error;
  const [first, ...rest] = errorLines(error instanceof Error ? error.message : String(error));
  process.stderr.write(`${pcErr.red('error')}: ${first}\n${rest.map((line) => `  ${line}\n`).join('')}`);
  const suggestion = (error as { suggestion?: string } | null)?.suggestion;
  if (suggestion) process.stderr.write(`  ${pcErr.dim('hint')}: ${shownText(suggestion, MAX_ERROR_LINE_LENGTH)}\n`);
  if (isDebug() && error instanceof Error && error.stack) process.stderr.write(`${printable(maskCredentials(error.stack), { keepNewlines: true, maxLength: 20_000 })}\n`);
  return exitCode;
}

/** Progress lines go to stderr so that stdout stays machine-readable (`--output json`). */
export function progress(message: string): void {
  process.stderr.write(`${pcErr.dim('…')} ${message}\n`);
}

/** A wait with no word for this long gets a line saying it still waits. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

export interface Heartbeat {
  /** Reports a step (as `progress` does) and restarts the clock of the wait that follows it. */
  readonly onProgress: (message: string) => void;
  /** Ends the heartbeat lines (the command is done or failed). */
  readonly stop: () => void;
}

/**
 * Progress for a command that waits (for connectors, for rows): every step reported as it comes and,
 * while no step comes, a line every 10 s with the step it is on (the last one reported, which says
 * what it waits for) and how long it has waited so far; silence for a minute reads as a hang.
 */
export function heartbeatProgress(report: (message: string) => void = progress, intervalMs = HEARTBEAT_INTERVAL_MS, now: () => number = Date.now): Heartbeat {
  let last: { message: string; at: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const beat = () => {
    if (!last) return;
    // The runtime's own lines carry the seconds since it began ("[  3.2s] …"): the wait's time is what counts here.
    const step = last.message.replace(/^\[\s*[\d.]+s\] /, '');
    report(`still on it, ${Math.round((now() - last.at) / 1000)} s so far: ${step}`);
  };
  return {
    onProgress: (message) => {
      report(message);
      last = { message, at: now() };
      clearInterval(timer);
      timer = setInterval(beat, intervalMs);
      // A heartbeat never keeps the process alive by itself.
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}

/** The flags of every command that talks to an environment's worker. */
export interface EnvironmentFlags {
  readonly env: string;
  readonly connectUrl?: string;
}

/**
 * The environment the flags name. Errors are not re-wrapped: `reportError` prints every error's
 * message and suggestion, and `--debug` its stack.
 */
export function environmentFromFlags(flags: EnvironmentFlags): Environment {
  return loadEnvironment(flags.env, { connectUrl: flags.connectUrl });
}

/** `--env <name>`, whose default comes from CDCCTL_ENV (checked by `checkVariableDefaults`). */
export function environmentOption(description = `environment (${ENVIRONMENT_NAMES.join(', ')})`): Option {
  return new Option('--env <name>', description).env(ENVIRONMENT_VARIABLE);
}

/** `--connect-url <url>`, whose default comes from CDCCTL_CONNECT_URL. */
export function connectUrlOption(): Option {
  return new Option('--connect-url <url>', "override the environment's Kafka Connect REST URL").env(CONNECT_URL_VARIABLE);
}

/** `--env` (required unless said otherwise) and `--connect-url`, worded the same on every command. */
export function environmentOptions(command: Command, required = true): Command {
  const environment = environmentOption();
  return command.addOption(required ? environment.makeOptionMandatory() : environment).addOption(connectUrlOption());
}

/**
 * A value an environment variable gave a flag is checked before the command runs, and its error names
 * the variable: the same unknown-environment message as `--env`'s, the same URL rules as
 * `--connect-url`'s (the worker's own rules, https with credentials, apply to both when the client is
 * made). A URL from the variable applies whatever --env says, so cdcctl says which worker it points at.
 */
export function checkVariableDefaults(command: Command): void {
  const fromVariable = (flag: string) => (command.getOptionValueSource(flag) === 'env' ? String(command.getOptionValue(flag)) : undefined);
  const environment = fromVariable('env');
  if (environment !== undefined && !ENVIRONMENT_NAMES.includes(environment)) {
    throw new CliError(`${ENVIRONMENT_VARIABLE}: unknown environment ${JSON.stringify(environment)} (known: ${ENVIRONMENT_NAMES.join(', ')})`);
  }
  const connectUrl = fromVariable('connectUrl');
  if (connectUrl === undefined) return;
  const problem = serviceUrlProblem(connectUrl);
  if (problem) throw new CliError(`${CONNECT_URL_VARIABLE}: Kafka Connect URL: ${problem}`);
  progress(`Kafka Connect at ${new URL(connectUrl).host} (from ${CONNECT_URL_VARIABLE})`);
}

/** `--output <format>` with its first format as the default (the shell completes the formats). */
export function outputFormatOption(formats: readonly string[]): Option {
  return withCompletionValues(new Option('--output <format>', `output format: ${formats.join('|')}`).default(formats[0]), formats);
}

/** A command with `--output <format>`. */
export function outputOption(command: Command, formats: readonly string[]): Command {
  return command.addOption(outputFormatOption(formats));
}

export function checkOutputFormat(format: string, formats: readonly string[]): void {
  if (!formats.includes(format)) throw new CliError(`--output must be one of ${formats.join(', ')} (got ${format})`);
}

/**
 * Rows as aligned columns: every cell but the last of a row padded to the widest value of its column,
 * so that a caller can colour a cell after padding (escape codes take no width on a terminal).
 */
export function paddedColumns(rows: ReadonlyArray<readonly string[]>): string[][] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))));
}
