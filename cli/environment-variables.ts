/**
 * Every environment variable cdcctl reads, in one list: `cdcctl --help` prints it and the README's
 * table is held to it by a test, so that a variable documented in one place is documented in both.
 * Cells are Markdown as the README shows them; the help prints them without the backticks.
 */

/** The default of `--env` wherever `--env` names one environment; the flag wins. */
export const ENVIRONMENT_VARIABLE = 'CDCCTL_ENV';
/** The default of `--connect-url` wherever it exists; the flag wins. */
export const CONNECT_URL_VARIABLE = 'CDCCTL_CONNECT_URL';

export interface EnvironmentVariable {
  /** The variable (or variables) as the README's first column shows them. */
  readonly variable: string;
  readonly what: string;
}

export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariable[] = [
  {
    variable: `\`${ENVIRONMENT_VARIABLE}\``,
    what: "the default of `--env` wherever it names one environment (not where no `--env` means all of them); `--env` wins; an unknown name is an error",
  },
  {
    variable: `\`${CONNECT_URL_VARIABLE}\``,
    what: "the default of `--connect-url` (the flag wins), checked as the flag is; cdcctl names the worker it points at on stderr, as it then applies to every `--env`",
  },
  { variable: '`CDCCTL_DEBUG=1`', what: 'as `--debug`: stack traces and HTTP details on errors (masked)' },
  { variable: '`CDCCTL_RETRIES`', what: 'retries per Kafka Connect request, 0–20 (default 5); anything else is an error' },
  { variable: '`CONNECT_USERNAME`, `CONNECT_PASSWORD` (or what `connect.auth` names)', what: "the worker's Basic credentials" },
  { variable: '`NODE_EXTRA_CA_CERTS`', what: "Node's own: a CA file to trust, e.g. the Connect workers' own CA" },
  { variable: '`WAREHOUSE_URL`', what: "the warehouse for `schema check` (local: the runtime's)" },
  { variable: '`DATABASE_URL`', what: "the warehouse for `migrate validate` and `migrate cutover` (`--database-url` wins); for `local up`, a PostgreSQL of your own instead of the runtime's" },
  { variable: '`MONGODB_URL`', what: "the source for `migrate validate`: each discrepancy is checked against the collection (`--source-url` wins); never printed unmasked" },
  { variable: '`PROMETHEUS_BIN`', what: "the local runtime's Prometheus (default: Debian's); `PROMTOOL_BIN`: the tests' promtool" },
  { variable: '`TERRAFORM_BINARY_NAME`', what: '`terraform` (default), `tofu` or an absolute path, for cdktf and the stacks commands; one that is not an executable is an error' },
  { variable: '`CDC_SYNTH_CACHE_DIR`', what: 'where `npm run synth` keeps its bundle cache' },
  { variable: '`GITOPS_COMMENT_AUTHOR`', what: 'the login whose marked comment the plan comment edits (default `github-actions[bot]`)' },
];

/** The README's table rows, as the README must have them. */
export function environmentVariablesMarkdown(): string[] {
  return ENVIRONMENT_VARIABLES.map(({ variable, what }) => `| ${variable} | ${what} |`);
}

const MAX_HELP_NAME_WIDTH = 30;

/** The list for `cdcctl --help`: one variable a line, its text beside it, no Markdown. */
export function environmentVariablesHelp(): string {
  const plain = (text: string) => text.replace(/`/g, '');
  const rows = ENVIRONMENT_VARIABLES.map(({ variable, what }) => [plain(variable), plain(what)] as const);
  // A long first cell (several variables) gets a line of its own rather than widening every row.
  const width = Math.max(...rows.map(([variable]) => variable.length).filter((length) => length <= MAX_HELP_NAME_WIDTH));
  const lines = rows.map(([variable, what]) => (variable.length > width ? `  ${variable}\n  ${' '.repeat(width)}  ${what}` : `  ${variable.padEnd(width)}  ${what}`));
  return `\nEnvironment variables:\n${lines.join('\n')}\n`;
}
