import { Client } from 'pg';
import path from 'node:path';
import type { Command } from 'commander';
import { pc, pcErr } from '../colors';
import { ConfigError, ENVIRONMENT_NAMES, loadAllEnvironments, loadEnvironment, MIGRATION_PHASES, type Environment } from '../../config';
import { isMigrationPhase } from '../../config/phases';
import { maskUrlPassword } from '../../config/secrets';
import { pipelines as allPipelines, type PipelineDefinition } from '../../connectors/pipelines';
import { checkOutputFormat, CliError, connectUrlOption, environmentOption, EXIT, outputFormatOption, progress } from '../support';
import { shownText } from '../../connectors/secrets';
import { AdminApiError, ATLAS_ADMIN_API_URL, createAdminApiClient, LOG_RETENTION_DAYS } from '../../migration/admin-api';
import { parseSince } from '../../migration/baseline';
import { DEFAULT_TOLERANCES } from '../../migration/compare';
import { runInventory, type InventoryOptions, type InventoryRun } from '../../migration/generate';
import { collectionStatuses, formatStatusText, transitionPlan } from '../../migration/status';
import { RECOMMENDATION_THRESHOLDS, SOURCE_VERDICTS, validateShadow, ValidationError, type ShadowValidationOptions, type SourceCheckOptions, type ValidationProgress, type ValidationResult } from '../../migration/shadow-validation';
import { SourceCheckError } from '../../migration/shadow-source';
import { shadowTable } from '../../connectors/naming';
import { rehearseOnLocalRuntime, type CutoverRehearsalOptions } from '../../local/cutover-rehearsal';
import { formatRehearsalText, rehearsalJson, rehearsalPassed } from '../../local/rehearsal-report';
import { writeRehearsalReport } from '../../local/rehearsal-html';
import { CUTOVER_WALK, FULL_WALK } from '../../local/rehearsal-walk';
import { addStateFlags, runtimeOptionsFrom, type RuntimeFlags } from './local';
import { clientFor } from '../../connectors/connect/environment-client';
import { cutOverCollection, CutoverRefused, type CutoverResult } from '../../migration/cutover';

/** `cdcctl migrate validate` exits with this when accuracy is under the cut-over threshold (1 stays "error"). */
export const EXIT_BELOW_THRESHOLD = 3;

function environmentNamed(name: string, connectUrl?: string): Environment {
  try {
    return loadEnvironment(name, { connectUrl });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

function pipelineNamed(name: string): PipelineDefinition {
  const pipeline = allPipelines.find((candidate) => candidate.name === name);
  if (!pipeline) throw new CliError(`--collection: no pipeline named ${JSON.stringify(name)} (pipelines: ${allPipelines.map((entry) => entry.name).join(', ')})`);
  return pipeline;
}

function number(flag: string, value: string | undefined, check: (parsed: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || !check(parsed)) throw new CliError(`${flag} must be ${expected} (got ${value})`);
  return parsed;
}

function wholeAtLeastOne(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(3)} %`;
}

export function formatValidationText(result: ValidationResult): string {
  const colour = result.passed ? pc.green : pc.red;
  const lines = [
    `validation of ${result.collection}: ${result.triggerTable} (trigger path) vs ${result.streamTable} (stream path), ${result.mode}${result.mode === 'full' ? '' : ' mode'}`,
    `  rows examined          ${result.rowsExamined}`,
    `  rows matching          ${result.rowsMatching}`,
    `  rows with differences  ${result.rowsWithDifferences}`,
    `  missing on stream      ${result.missingOnStream}   (in ${result.triggerTable}, not in ${result.streamTable})`,
    `  missing on trigger     ${result.missingOnTrigger}   (in ${result.streamTable}, not in ${result.triggerTable})`,
    `  accuracy               ${colour(percent(result.accuracyPercent))}   (cut-over threshold ${result.threshold} %)`,
    `  recommendation         ${colour(result.recommendation)}`,
    `  tolerances             timestamps ±${result.tolerances.timestampMs} ms, numbers ±${(result.tolerances.numericRelative * 100).toFixed(2)} % relative`,
    `  key                    ${result.keyColumns.join(', ')}; ${result.comparedColumns.length} columns compared`,
  ];
  if (result.sourceVerdicts) lines.push(`  against the source     ${SOURCE_VERDICTS.map((verdict) => `${verdict} ${result.sourceVerdicts![verdict]}`).join(', ')}`);
  if (result.columnsOnlyInTrigger.length) lines.push(`  only in ${result.triggerTable}: ${result.columnsOnlyInTrigger.join(', ')}`);
  if (result.columnsOnlyInStream.length) lines.push(`  only in ${result.streamTable}: ${result.columnsOnlyInStream.join(', ')}`);
  if (result.fields.length) {
    lines.push('  fields that differ most:');
    for (const field of result.fields.slice(0, 10)) {
      const kinds = Object.entries(field.kinds).map(([kind, count]) => `${kind} ${count}`).join(', ');
      lines.push(`    ${field.field.padEnd(32)} ${String(field.count).padStart(8)}   (${kinds})`);
    }
  }
  lines.push(
    result.discrepanciesStored
      ? `  ${result.discrepanciesStored} discrepancies stored: SELECT * FROM migration_discrepancies WHERE run_id = '${result.runId}'`
      : `  run ${result.runId}`,
  );
  lines.push(`  took ${(result.durationMs / 1000).toFixed(1)} s (${Math.round(result.rowsExamined / Math.max(result.durationMs / 1000, 0.001))} rows/s)`);
  return `${lines.join('\n')}\n`;
}

function throttledProgress(): (update: ValidationProgress) => void {
  let last = 0;
  let pass = '';
  return (update) => {
    const now = Date.now();
    if (update.pass === pass && now - last < 1000) return;
    last = now;
    pass = update.pass;
    const share = update.estimatedRows > 0 ? ` (~${Math.min(100, Math.round((update.rows / update.estimatedRows) * 100))} %)` : '';
    progress(`${update.pass}: ${update.rows} of ~${update.estimatedRows} rows${share}`);
  };
}

/**
 * `cdcctl migrate …`: the migration off Atlas Triggers. Each subcommand parses its flags, calls one
 * function of migration/ and prints; errors of the layer below become one line and an exit code.
 */
export function registerMigrateCommands(program: Command): void {
  const migrate = program.command('migrate').description('the migration off Atlas Triggers: inventory, phases, shadow validation');
  registerInventory(migrate);
  registerStatus(migrate);
  registerTransition(migrate);
  registerValidate(migrate);
  registerCutover(migrate);
  registerRehearse(migrate);
}

interface InventoryFlags {
  readonly project: string;
  readonly app: string;
  readonly apiUrl: string;
  readonly out: string;
  readonly pipelinesDir?: string;
  readonly env: string;
  readonly since: string;
  readonly maxLogPages: string;
  readonly owner: string;
  readonly output: string;
}

const INVENTORY_FORMATS = ['text', 'json'];

/** The key pair comes from the environment, never a flag: a flag would land in shell history. */
function atlasKeyPair(): { publicKey: string; privateKey: string } {
  const publicKey = process.env.ATLAS_PUBLIC_KEY;
  const privateKey = process.env.ATLAS_PRIVATE_KEY;
  const missing = [!publicKey && 'ATLAS_PUBLIC_KEY', !privateKey && 'ATLAS_PRIVATE_KEY'].filter(Boolean);
  if (missing.length) throw new CliError(`the Atlas API key pair is read from the environment: set ${missing.join(' and ')} (never a flag: it would land in shell history)`);
  return { publicKey: publicKey!, privateKey: privateKey! };
}

function sinceFlag(value: string, now: Date): Date {
  try {
    return parseSince(value, now);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

function inventoryOptions(flags: InventoryFlags): InventoryOptions {
  const keys = atlasKeyPair();
  const now = new Date();
  const since = sinceFlag(flags.since, now);
  const maxLogPages = number('--max-log-pages', flags.maxLogPages, wholeAtLeastOne, 'a whole number ≥ 1')!;
  const environment = environmentNamed(flags.env);
  return {
    client: createAdminApiClient({ baseUrl: flags.apiUrl, ...keys }),
    project: flags.project,
    app: flags.app,
    outDir: flags.out,
    pipelinesDir: flags.pipelinesDir,
    environment,
    since,
    now,
    maxLogPages,
    owner: flags.owner,
    onProgress: progress,
  };
}

function printInventory({ document, files }: InventoryRun, outDir: string): void {
  const kinds = (kind: string) => document.triggers.filter((trigger) => trigger.replacement.kind === kind).length;
  process.stdout.write(
    `${document.triggers.length} triggers (${kinds('connector')} → connector, ${kinds('scheduled-job')} → scheduled job, ${kinds('deprecated')} deprecated), ` +
      `${document.functions.length} functions, ${document.pipelines.length} pipelines generated, ${document.connectors.length} connector definitions rendered for ${document.environment}\n`,
  );
  process.stdout.write(`wrote ${files.length} files; read ${path.join(outDir, 'report.md')}\n`);
}

/**
 * `migrate inventory --output json`: what the text says, per trigger and per generated file (the whole
 * inventory is in inventory.json). Names come from the Admin API: shown as text is (masked, escaped).
 */
export function inventoryJson({ document, files }: InventoryRun, outDir: string): object {
  return {
    environment: document.environment,
    triggers: document.triggers.map((trigger) => ({ name: shownText(trigger.name), type: trigger.type, replacement: trigger.replacement.kind, ...(trigger.replacement.pipeline ? { pipeline: shownText(trigger.replacement.pipeline) } : {}) })),
    functions: document.functions.length,
    pipelines: document.pipelines.map((pipeline) => ({ name: shownText(pipeline.name), namespace: shownText(pipeline.namespace), file: shownText(pipeline.file) })),
    connectors: document.connectors.map((connector) => ({ name: shownText(connector.name), file: shownText(connector.file), issues: connector.issues.map((issue) => shownText(issue, 2_000)) })),
    problems: document.problems.map((problem) => ({ where: shownText(problem.where), message: shownText(problem.message, 2_000) })),
    report: path.join(outDir, 'report.md'),
    files,
  };
}

function inventoryError(error: unknown): CliError {
  if (error instanceof AdminApiError) return Object.assign(new CliError(`Admin API ${error.method} ${error.path}: ${error.message}`), { suggestion: error.suggestion });
  if (error instanceof CliError) return error;
  return new CliError((error as Error).message);
}

function registerInventory(migrate: Command): void {
  migrate
    .command('inventory')
    .description("list an App Services app's triggers and functions with a baseline from its logs; generate the connector definitions that replace its Database triggers")
    .requiredOption('--project <id>', 'Atlas project (group) id')
    .requiredOption('--app <app>', "the app's _id, client app id or name: an App Services app, or the Atlas UI's triggers app (product atlas, named Triggers)")
    .option('--api-url <url>', 'App Services Admin API base URL', ATLAS_ADMIN_API_URL)
    .option('--out <dir>', 'output folder (inventory.json, report.md, functions/, connectors/)', '.local/migration')
    .option('--pipelines-dir <dir>', 'where the generated TypeScript pipelines go (default: <out>/pipelines)')
    .addOption(environmentOption(`environment the connectors are rendered for (${ENVIRONMENT_NAMES.join(', ')})`).default('production'))
    .option('--since <when>', `baseline window start: a duration (7d, 24h) or an ISO 8601 time, at most ${LOG_RETENTION_DAYS}d back (Atlas keeps logs ${LOG_RETENTION_DAYS} days)`, '7d')
    .option('--max-log-pages <n>', 'pages of 100 log entries read per query at most', '1000')
    .option('--owner <team>', 'owner written into generated pipelines', 'unassigned')
    .addOption(outputFormatOption(INVENTORY_FORMATS))
    .action(async (flags: InventoryFlags) => {
      checkOutputFormat(flags.output, INVENTORY_FORMATS);
      const options = inventoryOptions(flags);
      const inventory = await runInventory(options).catch((error: unknown) => {
        throw inventoryError(error);
      });
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(inventoryJson(inventory, flags.out), null, 2)}\n`);
      else printInventory(inventory, flags.out);
      for (const problem of inventory.document.problems) process.stderr.write(`${pcErr.yellow('warning')}: ${problem.where}: ${problem.message}\n`);
      if (inventory.document.connectors.some((connector) => connector.issues.length)) {
        throw new CliError('a generated connector definition does not pass validation (see above and report.md)');
      }
    });
}

function registerStatus(migrate: Command): void {
  migrate
    .command('status')
    .description("each collection's phase, what the atlas stack and the connectors do in it, and the commands of the next step and of a rollback")
    .option('--env <name>', `one environment (${ENVIRONMENT_NAMES.join(', ')}); default: all, whatever CDCCTL_ENV says`)
    .option('--collection <pipeline>', 'one pipeline')
    .addOption(outputFormatOption(['text', 'json']))
    .action((flags: { env?: string; collection?: string; output: string }) => {
      if (!['text', 'json'].includes(flags.output)) throw new CliError(`--output must be text or json (got ${flags.output})`);
      const environments = flags.env ? [environmentNamed(flags.env)] : loadAllEnvironments();
      const pipelines = flags.collection ? [pipelineNamed(flags.collection)] : allPipelines;
      const statuses = environments.flatMap((environment) => collectionStatuses(environment, pipelines));
      process.stdout.write(flags.output === 'json' ? `${JSON.stringify(statuses, null, 2)}\n` : formatStatusText(statuses));
    });
}

function registerTransition(migrate: Command): void {
  migrate
    .command('transition')
    .description('check a phase change against the migration rules and print its steps in order; exit 1 when the rules refuse it')
    .addOption(environmentOption().makeOptionMandatory())
    .requiredOption('--collection <pipeline>', 'the pipeline whose phase changes')
    .requiredOption('--to <phase>', MIGRATION_PHASES.join('|'))
    .action((flags: { env: string; collection: string; to: string }) => {
      if (!isMigrationPhase(flags.to)) throw new CliError(`--to must be one of ${MIGRATION_PHASES.join(', ')} (got ${flags.to})`);
      const environment = environmentNamed(flags.env);
      const pipeline = pipelineNamed(flags.collection);
      const plan = transitionPlan(environment, pipeline, flags.to);
      if (!plan.check.allowed) throw new CliError(`${environment.name}/${pipeline.name}: ${plan.check.from} → ${plan.check.to} is refused: ${plan.check.reason}`);
      process.stdout.write(`${environment.name}/${pipeline.name}: ${plan.check.from} → ${plan.check.to} (${plan.check.kind}): ${plan.check.description}\n`);
      plan.steps.forEach((step, index) => process.stdout.write(`  ${index + 1}. ${step}\n`));
    });
}

interface ValidateFlags {
  readonly collection: string;
  readonly env?: string;
  readonly databaseUrl?: string;
  readonly schema?: string;
  readonly triggerTable?: string;
  readonly streamTable?: string;
  readonly key?: string;
  readonly ignoreColumns?: string;
  readonly includeMetadataColumns?: boolean;
  readonly sample?: string;
  readonly seed: string;
  readonly since?: string;
  readonly sinceColumn: string;
  readonly timestampToleranceMs: string;
  readonly numericTolerance: string;
  readonly threshold: string;
  readonly batchSize: string;
  readonly persist: boolean;
  readonly resultsSchema?: string;
  readonly sourceUrl?: string;
  readonly sourceVersionField: string;
  readonly output: string;
}

/** Runs each parse, collecting its error instead of stopping at the first: every flag problem is reported at once. */
function problemCollector(): { problems: string[]; attempt: <T>(work: () => T) => T | undefined } {
  const problems: string[] = [];
  const attempt = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch (error) {
      problems.push((error as Error).message);
      return undefined;
    }
  };
  return { problems, attempt };
}

function columnList(value?: string): string[] | undefined {
  return value ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : undefined;
}

/** The tables of --collection's pipeline (its table and its shadow), unless both are given. */
function validationTables(flags: ValidateFlags, problems: string[]): { triggerTable: string; streamTable: string } {
  const pipeline = allPipelines.find((candidate) => candidate.name === flags.collection);
  if (!pipeline && !(flags.triggerTable && flags.streamTable)) {
    problems.push(`--collection: no pipeline named ${JSON.stringify(flags.collection)}: name a pipeline (${allPipelines.map((entry) => entry.name).join(', ')}) or give --trigger-table and --stream-table`);
  }
  return { triggerTable: flags.triggerTable ?? pipeline?.table ?? '', streamTable: flags.streamTable ?? (pipeline ? shadowTable(pipeline) : '') };
}

/** The source collection of --collection's pipeline, when --source-url (or MONGODB_URL) names where it is. */
function sourceCheck(flags: ValidateFlags, problems: string[]): SourceCheckOptions | undefined {
  const url = flags.sourceUrl ?? process.env.MONGODB_URL;
  if (!url) return undefined;
  const pipeline = allPipelines.find((candidate) => candidate.name === flags.collection);
  if (!pipeline) {
    problems.push(`--source-url: --collection must name a pipeline, whose database and collection are the source (got ${JSON.stringify(flags.collection)})`);
    return undefined;
  }
  return { url, database: pipeline.database, collection: pipeline.collection, excludeFields: pipeline.excludeFields, versionField: flags.sourceVersionField };
}

/** Every flag problem at once, or the options of the run. */
function validationOptions(flags: ValidateFlags): ShadowValidationOptions {
  const { problems, attempt } = problemCollector();
  if (!['text', 'json'].includes(flags.output)) problems.push(`--output must be text or json (got ${flags.output})`);
  const databaseUrl = flags.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) problems.push('no warehouse: give --database-url or set DATABASE_URL');
  const environment = flags.env ? attempt(() => environmentNamed(flags.env!)) : undefined;
  const tables = validationTables(flags, problems);
  const sample = attempt(() => number('--sample', flags.sample, wholeAtLeastOne, 'a whole number ≥ 1'));
  const sampleSeed = attempt(() => number('--seed', flags.seed, Number.isInteger, 'a whole number'));
  const timestampMs = attempt(() => number('--timestamp-tolerance-ms', flags.timestampToleranceMs, (value) => value >= 0, 'a number of milliseconds ≥ 0'));
  const numericRelative = attempt(() => number('--numeric-tolerance', flags.numericTolerance, (value) => value >= 0 && value < 1, 'a fraction between 0 and 1, e.g. 0.01 for 1 %'));
  const threshold = attempt(() => number('--threshold', flags.threshold, (value) => value >= 0 && value <= 100, 'a percentage between 0 and 100'));
  const batchSize = attempt(() => number('--batch-size', flags.batchSize, wholeAtLeastOne, 'a whole number ≥ 1'));
  const since = flags.since ? attempt(() => parseSince(flags.since!, new Date())) : undefined;
  const source = sourceCheck(flags, problems);
  if (problems.length) throw new CliError(problems.join('\n'));
  return {
    databaseUrl: databaseUrl!,
    collection: flags.collection,
    schema: flags.schema ?? environment?.warehouse.schema ?? 'public',
    ...tables,
    keyColumns: columnList(flags.key),
    ignoreColumns: columnList(flags.ignoreColumns),
    ignoreMetadataColumns: !flags.includeMetadataColumns,
    tolerances: { timestampMs: timestampMs!, numericRelative: numericRelative! },
    batchSize,
    sample,
    sampleSeed,
    since,
    sinceColumn: flags.sinceColumn,
    threshold,
    persist: flags.persist,
    resultsSchema: flags.resultsSchema,
    source,
    onProgress: throttledProgress(),
  };
}

function validationError(error: unknown, options: ShadowValidationOptions): CliError {
  const { databaseUrl, source } = options;
  if (error instanceof ValidationError) return new CliError(error.message);
  if (error instanceof SourceCheckError && source) {
    const where = `${source.database}.${source.collection} at ${maskUrlPassword(source.url)}`;
    return Object.assign(new CliError(`source ${where}: ${maskUrlPassword(error.message)}`), { suggestion: 'check --source-url / MONGODB_URL' });
  }
  const message = (error as Error).message;
  return Object.assign(new CliError(`warehouse ${maskUrlPassword(databaseUrl)}: ${message}`), { suggestion: 'check --database-url / DATABASE_URL and that the tables exist' });
}

function registerValidate(migrate: Command): void {
  migrate
    .command('validate')
    .description(`compare the trigger path's table with the stream path's table in the warehouse; exit ${EXIT_BELOW_THRESHOLD} under the cut-over threshold, 1 on error`)
    .requiredOption('--collection <pipeline>', 'the pipeline (its tables: <table> and its shadow), or a label when both tables are given')
    .addOption(environmentOption("environment whose warehouse schema to read (default: the --schema flag or 'public')"))
    .option('--database-url <url>', 'PostgreSQL URL of the warehouse (default: DATABASE_URL)')
    .option('--schema <schema>', 'schema of both tables')
    .option('--trigger-table <table>', "the trigger path's table (default: the pipeline's table)")
    .option('--stream-table <table>', "the stream path's table (default: the pipeline's shadow table)")
    .option('--key <columns>', 'key columns, comma-separated (default: the primary key)')
    .option('--ignore-columns <columns>', 'columns left out of the comparison, comma-separated')
    .option('--include-metadata-columns', 'also compare the stream metadata columns starting with __')
    .option('--sample <n>', 'compare about n rows drawn at random from each side')
    .option('--seed <n>', 'seed of the sample (repeatable runs)', '1')
    .option('--since <when>', 'only rows changed since: a duration (24h) or an ISO 8601 time')
    .option('--since-column <column>', 'the change-time column --since reads', 'updated_at')
    .option('--timestamp-tolerance-ms <ms>', 'timestamps this close are equal', String(DEFAULT_TOLERANCES.timestampMs))
    .option('--numeric-tolerance <fraction>', 'numbers within this relative difference are equal', String(DEFAULT_TOLERANCES.numericRelative))
    .option('--threshold <percent>', 'cut-over threshold: minimum accuracy in percent', String(RECOMMENDATION_THRESHOLDS.ready))
    .option('--batch-size <n>', 'rows read per batch', '5000')
    .option('--no-persist', 'do not write migration_discrepancies / migration_validation_runs')
    .option('--results-schema <schema>', 'schema of the result tables (default: where the warehouse migrations created them)')
    .option('--source-url <url>', "the source MongoDB (default: MONGODB_URL, which keeps a password out of shell history): each discrepancy is checked against the pipeline's collection, which says which side is wrong")
    .option('--source-version-field <field>', "the source document's version: a date every change sets", 'updated_at')
    .addOption(outputFormatOption(['text', 'json']))
    .action(async (flags: ValidateFlags) => {
      const options = validationOptions(flags);
      const result = await validateShadow(options).catch((error: unknown) => {
        throw validationError(error, options);
      });
      process.stdout.write(flags.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatValidationText(result));
      process.exitCode = result.passed ? EXIT.ok : EXIT_BELOW_THRESHOLD;
    });
}

/** `cdcctl migrate rehearse` exits with this when the production table did not end equal to the collection. */
export const EXIT_NOT_GAPLESS = 3;

interface RehearseFlags extends RuntimeFlags {
  readonly collection: string;
  readonly rate: string;
  readonly duration: string;
  readonly triggerLag: string;
  readonly triggerRun: string;
  readonly triggerFailureRate: string;
  readonly sinkFrom: string;
  readonly walk: string;
  readonly report?: string;
  readonly output: string;
}

/** `60s`, `5m` or a number of seconds → seconds; undefined when it is none of these. */
export function durationSeconds(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(value.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * (match[2] === 'm' ? 60 : 1);
  return seconds > 0 ? seconds : undefined;
}

/** The rehearsal's settings from the flags; every problem reported at once. The load's duration is shared out over the walk's steps. */
export function rehearsalOptionsFrom(flags: RehearseFlags): Omit<CutoverRehearsalOptions, 'runtime' | 'runId'> {
  const problems: string[] = [];
  const check = <T>(flag: string, value: T | undefined, expected: string, given: string): T | undefined => {
    if (value === undefined) problems.push(`${flag} must be ${expected} (got ${given})`);
    return value;
  };
  if (flags.collection !== 'orders') problems.push(`--collection: only orders can be rehearsed (the load writes orders; got ${JSON.stringify(flags.collection)})`);
  const asNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const milliseconds = (flag: string, text: string) => check(flag, [asNumber(text)].find((n) => Number.isInteger(n) && n >= 0), 'a whole number of milliseconds, 0 or more', text);
  const rate = check('--rate', [asNumber(flags.rate)].find((n) => n > 0 && n <= 1000), 'a number of changes per second from above 0 to 1000', flags.rate);
  const seconds = check('--duration', durationSeconds(flags.duration), 'a duration such as 60s or 5m', flags.duration);
  const lag = milliseconds('--trigger-lag', flags.triggerLag);
  const run = milliseconds('--trigger-run', flags.triggerRun);
  const failureRate = check('--trigger-failure-rate', [asNumber(flags.triggerFailureRate)].find((n) => n >= 0 && n <= 1), 'a fraction from 0 to 1 (0.01 is 1 %)', flags.triggerFailureRate);
  const sinkFrom = check('--sink-from', ['earliest', 'current'].find((where) => where === flags.sinkFrom) as 'earliest' | 'current' | undefined, 'earliest or current', flags.sinkFrom);
  const walk = check('--walk', ['full', 'cutover'].find((name) => name === flags.walk) as 'full' | 'cutover' | undefined, 'full or cutover', flags.walk);
  if (problems.length) throw new CliError(problems.join('\n'));
  const steps = (walk === 'full' ? FULL_WALK : CUTOVER_WALK).length;
  return { ratePerSecond: rate!, stepSeconds: Math.round((seconds! / steps) * 10) / 10, triggerLagMs: lag!, triggerRunMs: run!, triggerFailureRate: failureRate!, sinkFrom: sinkFrom!, walk: walk! };
}

function registerRehearse(migrate: Command): void {
  addStateFlags(
    migrate
      .command('rehearse')
      .description(
        `rehearse the migration on the local runtime under load: the MongoDB STAND-IN, an Atlas trigger EMULATOR (not Atlas) and the real source and sink, walked through every phase and rollback as the runbook says; exit ${EXIT_NOT_GAPLESS} when a move lost a change or the production table does not end equal to the collection`,
      )
      .requiredOption('--collection <pipeline>', 'the collection rehearsed (orders: the load writes realistic orders)')
      .option('--rate <n>', 'changes per second written to the stand-in', '20')
      .option('--duration <d>', "how long the load runs in all, e.g. 60s or 5m, shared out over the walk's steps", '60s')
      .option('--trigger-lag <ms>', 'how far the emulated trigger runs behind the collection: each change runs no sooner than this after it was seen', '2000')
      .option('--trigger-run <ms>', 'how long each emulated trigger function run takes; above 1000 / rate the trigger falls further and further behind', '0')
      .option('--trigger-failure-rate <r>', 'fraction of emulated trigger runs that fail (never retried, as in Atlas)', '0.01')
      .option('--walk <walk>', 'full: forward, every rollback (stream → shadow, shadow → trigger, stream → trigger), forward again, decommissioned; cutover: trigger → shadow → stream → decommissioned', 'full')
      .option('--sink-from <where>', "where the sink starts in the production table at a cut-over: earliest (the replay) or current (the former runbook's order, to see what it loses)", 'earliest')
      .option('--report <dir>', 'also write an HTML page with the timeline (index.html) and the JSON report into this folder')
      .addOption(outputFormatOption(['text', 'json'])),
  ).action(async (flags: RehearseFlags) => {
    checkOutputFormat(flags.output, ['text', 'json']);
    const report = await rehearseOnLocalRuntime(runtimeOptionsFrom(flags), { ...rehearsalOptionsFrom(flags), onProgress: progress });
    const json = rehearsalJson(report);
    process.stdout.write(flags.output === 'json' ? `${JSON.stringify(json, null, 2)}\n` : formatRehearsalText(report));
    if (flags.report) progress(`report: ${writeRehearsalReport(flags.report, json)}`);
    process.exitCode = rehearsalPassed(report) ? EXIT.ok : EXIT_NOT_GAPLESS;
  });
}

export function formatCutoverText(result: CutoverResult, environment: Pick<Environment, 'name' | 'infrastructure'>): string {
  const positions = [...result.replayedTo].map(([partition, offset]) => `${partition}@${offset}`).join(', ') || 'nothing committed before';
  const replayed = `${result.sink} replayed ${result.table} from the earliest offset past where it had got (${positions})`;
  if (result.phase === 'shadow') return `${replayed}: the shadow table holds every change again.\nCompare now: npx cdcctl migrate validate --env ${environment.name} --collection ${result.collection}\n`;
  const ghosts = !result.snapshots
    ? 'Ghost rows (documents deleted before the stream path started whose trigger delete failed) not checked: the source takes no snapshot (snapshot.mode=no_data), so the shadow does not hold every document.'
    : result.ghostsRemoved === undefined
      ? 'Ghost rows (documents deleted before the stream path started whose trigger delete failed) not checked: give --database-url or DATABASE_URL.'
      : `${result.ghostsRemoved.length} ghost rows removed (documents deleted before the stream path started whose trigger delete failed).`;
  const disable = environment.infrastructure?.atlas ? `npx cdktf deploy atlas-${environment.name}` : `by hand in Atlas (no atlas stack in ${environment.name})`;
  return [`${replayed}: the stream path has taken over.`, ghosts, `Now disable the trigger: ${disable}`, ''].join('\n');
}

function registerCutover(migrate: Command): void {
  migrate
    .command('cutover')
    .description("the stream path takes over the production table without a gap: after connectors apply of the 'stream' phase, the sink is rewound to the earliest offset and waited for until its replay passes where it had got; disable the trigger only once this exits 0. After a rollback to 'shadow', the same replay refills the shadow table")
    .addOption(environmentOption().makeOptionMandatory())
    .requiredOption('--collection <pipeline>', 'the pipeline cut over')
    .addOption(connectUrlOption())
    .option('--timeout <seconds>', 'how long the replay may take to pass the old position', '600')
    .option('--database-url <url>', 'PostgreSQL URL of the warehouse (default: DATABASE_URL), to remove the ghost rows the replay cannot (documents deleted before the stream path started whose trigger delete failed)')
    .action(async (flags: { env: string; collection: string; connectUrl?: string; timeout: string; databaseUrl?: string }) => {
      const timeoutSeconds = number('--timeout', flags.timeout, wholeAtLeastOne, 'a whole number of seconds, 1 or more')!;
      const environment = environmentNamed(flags.env, flags.connectUrl);
      const databaseUrl = flags.databaseUrl ?? process.env.DATABASE_URL;
      const warehouse = databaseUrl ? new Client({ connectionString: databaseUrl }) : undefined;
      try {
        await warehouse?.connect().catch((error: unknown) => {
          throw new CliError(`warehouse ${maskUrlPassword(databaseUrl!)}: ${(error as Error).message}`);
        });
        const result = await cutOverCollection(environment, pipelineNamed(flags.collection), clientFor(environment), timeoutSeconds * 1000, warehouse).catch((error: unknown) => {
          throw error instanceof CutoverRefused ? new CliError(error.message) : error;
        });
        process.stdout.write(formatCutoverText(result, environment));
      } finally {
        await warehouse?.end().catch(() => undefined);
      }
    });
}
