import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { DEFAULT_TOLERANCES, type Tolerances } from './compare';
import { missingTables, planComparison, primaryKeyOf, readTableShape, type ComparisonPlan } from './shadow-inspect';
import { mergePass, narrowedPasses, type ValidationProgress } from './shadow-passes';
import { createDiscrepancyWriter, DISCARDING_WRITER, finishRunQuery, missingResultTables, missingVerdictColumns, startRunQuery, type DiscrepancyWriter } from './shadow-persist';
import { connectForValidation, createTableReader, type Narrowing } from './shadow-read';
import { connectToSource, createSourceCheck, resolveSourceCheckOptions, sourceCheckProblems, type ResolvedSourceCheckOptions, type SourceCheck, type SourceCheckOptions, type SourceConnection } from './shadow-source';
import { createTally, type DiscrepancySink, type FieldCount, type Tally } from './shadow-tally';
import { DOCUMENT_COLUMNS, type VerdictCounts } from './source-verdict';

export type { ValidationProgress } from './shadow-passes';
export type { FieldCount } from './shadow-tally';
export type { SourceCheckOptions } from './shadow-source';
export { SOURCE_VERDICTS, type SourceVerdict, type VerdictCounts } from './source-verdict';

/**
 * Shadow validation (seed step 10): the trigger path's table against the stream path's table in the
 * warehouse, in bounded memory whatever the table size, as a chain of steps: inspect the two tables
 * (columns, keys, collations: both must sort their keys alike) and plan the comparison
 * (shadow-inspect), build the queries (shadow-query), read in keyset batches (shadow-read) along one
 * merge pass or two narrowed passes (shadow-passes), compare and count (compare, shadow-tally), and
 * persist the discrepancies and the run's summary in the tables of the warehouse migration
 * 003_shadow_validation_results (shadow-persist). With a source, each discrepancy is first checked
 * against the source collection, which says which side is wrong (shadow-source, source-verdict).
 */

/** The seed's recommendation thresholds, in percent of rows that match. */
export const RECOMMENDATION_THRESHOLDS = { ready: 99.9, minorIssues: 95 } as const;
export type Recommendation = 'ready' | 'minor-issues' | 'major-issues' | 'no-data';

export function recommend(accuracyPercent: number | null): Recommendation {
  if (accuracyPercent === null) return 'no-data';
  if (accuracyPercent >= RECOMMENDATION_THRESHOLDS.ready) return 'ready';
  return accuracyPercent >= RECOMMENDATION_THRESHOLDS.minorIssues ? 'minor-issues' : 'major-issues';
}

export interface ShadowValidationOptions {
  readonly databaseUrl: string;
  /** A label for the run (the pipeline name). */
  readonly collection: string;
  /** Schema of both tables. @default 'public' */
  readonly schema?: string;
  /** The trigger path's output. */
  readonly triggerTable: string;
  /** The stream path's output. */
  readonly streamTable: string;
  /** Key columns. @default the trigger table's primary key */
  readonly keyColumns?: readonly string[];
  /** Columns left out of the comparison. @default [] */
  readonly ignoreColumns?: readonly string[];
  /**
   * Columns starting with `__` are the stream path's own metadata (Debezium `add.fields` such as
   * `__op`, `__source_ts_ms`), which the trigger path never writes. @default true
   */
  readonly ignoreMetadataColumns?: boolean;
  readonly tolerances?: Tolerances;
  /** Rows per batch. @default 5000 */
  readonly batchSize?: number;
  /** Compare about this many rows drawn at random from each side instead of all rows. */
  readonly sample?: number;
  /** Seed of the sample, so a run can be repeated. @default 1 */
  readonly sampleSeed?: number;
  /** Only rows changed at or after this instant (by `sinceColumn`) on either side. */
  readonly since?: Date;
  /** @default 'updated_at' */
  readonly sinceColumn?: string;
  /** Accuracy (percent) below which the run fails: the cut-over gate. @default 99.9 */
  readonly threshold?: number;
  /** Write discrepancies and the run summary to the warehouse. @default true */
  readonly persist?: boolean;
  /**
   * Schema of the result tables. @default the schema the warehouse migrations created them in (the
   * connection's search path)
   */
  readonly resultsSchema?: string;
  /** Discrepancy rows written per run at most (counts stay exact). @default 100000 */
  readonly maxStoredDiscrepancies?: number;
  /** Check each discrepancy against the source collection. @default none: the tables are compared with each other only */
  readonly source?: SourceCheckOptions;
  readonly onProgress?: (progress: ValidationProgress) => void;
}

export interface ValidationResult {
  readonly runId: string;
  readonly collection: string;
  readonly triggerTable: string;
  readonly streamTable: string;
  readonly mode: 'full' | 'sample' | 'since';
  readonly keyColumns: readonly string[];
  readonly comparedColumns: readonly string[];
  /** Columns one table has and the other lacks (read as NULL on the side that lacks them). */
  readonly columnsOnlyInTrigger: readonly string[];
  readonly columnsOnlyInStream: readonly string[];
  readonly rowsExamined: number;
  readonly rowsMatching: number;
  readonly rowsWithDifferences: number;
  readonly missingOnStream: number;
  readonly missingOnTrigger: number;
  /** Percent of examined rows that match; null when there was nothing to compare. */
  readonly accuracyPercent: number | null;
  readonly recommendation: Recommendation;
  readonly threshold: number;
  readonly passed: boolean;
  /** Most differing fields first. */
  readonly fields: readonly FieldCount[];
  readonly discrepanciesStored: number;
  readonly tolerances: Tolerances;
  readonly durationMs: number;
  /** Discrepancies (rows missing or differing) per verdict; only in a run checked against the source. */
  readonly sourceVerdicts?: VerdictCounts;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
}

/** The options with every default resolved, and the run's mode. */
export interface ResolvedValidationOptions extends Required<Omit<ShadowValidationOptions, 'keyColumns' | 'sample' | 'since' | 'resultsSchema' | 'source'>> {
  readonly keyColumns?: readonly string[];
  readonly source?: ResolvedSourceCheckOptions;
  readonly sample?: number;
  readonly since?: Date;
  readonly resultsSchema?: string;
  readonly mode: ValidationResult['mode'];
}

export function resolveOptions(options: ShadowValidationOptions): ResolvedValidationOptions {
  return {
    ...options,
    schema: options.schema ?? 'public',
    ignoreColumns: options.ignoreColumns ?? [],
    ignoreMetadataColumns: options.ignoreMetadataColumns ?? true,
    tolerances: options.tolerances ?? DEFAULT_TOLERANCES,
    batchSize: options.batchSize ?? 5000,
    sampleSeed: options.sampleSeed ?? 1,
    sinceColumn: options.sinceColumn ?? 'updated_at',
    threshold: options.threshold ?? RECOMMENDATION_THRESHOLDS.ready,
    persist: options.persist ?? true,
    maxStoredDiscrepancies: options.maxStoredDiscrepancies ?? 100_000,
    source: options.source ? resolveSourceCheckOptions(options.source) : undefined,
    onProgress: options.onProgress ?? (() => undefined),
    mode: options.sample !== undefined ? 'sample' : options.since ? 'since' : 'full',
  };
}

/** Every problem of the options themselves, before anything is read. */
export function optionProblems(options: ResolvedValidationOptions): string[] {
  const { batchSize, sample, since, threshold, tolerances } = options;
  const problems: string[] = [];
  if (!Number.isInteger(batchSize) || batchSize < 1) problems.push(`batchSize must be a whole number ≥ 1 (got ${batchSize})`);
  if (sample !== undefined && (!Number.isInteger(sample) || sample < 1)) problems.push(`sample must be a whole number ≥ 1 (got ${sample})`);
  if (sample !== undefined && since) problems.push('sample and since cannot be combined: pick one way of narrowing the comparison');
  if (!(threshold >= 0 && threshold <= 100)) problems.push(`threshold must be a percentage between 0 and 100 (got ${threshold})`);
  if (!(tolerances.timestampMs >= 0)) problems.push(`timestamp tolerance must be ≥ 0 ms (got ${tolerances.timestampMs})`);
  if (!(tolerances.numericRelative >= 0)) problems.push(`numeric tolerance must be ≥ 0 (got ${tolerances.numericRelative})`);
  if (options.triggerTable === options.streamTable) problems.push(`trigger table and stream table are the same table (${options.triggerTable})`);
  if (options.source) problems.push(...sourceCheckProblems(options.source));
  return problems;
}

function throwIfAny(problems: readonly string[]): void {
  if (problems.length) throw new ValidationError(problems.join('\n'));
}

/** Step 1: the two tables (and, when persisting, the result tables) exist; then the comparison they allow. */
async function inspect(client: Client, options: ResolvedValidationOptions): Promise<ComparisonPlan> {
  const { schema } = options;
  const trigger = await readTableShape(client, schema, options.triggerTable);
  const stream = await readTableShape(client, schema, options.streamTable);
  throwIfAny([...missingTables(schema, trigger, stream), ...(options.persist ? await missingResultTables(client, options.resultsSchema) : [])]);
  const keyColumns = options.keyColumns?.length ? [...options.keyColumns] : await primaryKeyOf(client, schema, options.triggerTable);
  const { problems, plan } = planComparison({
    schema,
    trigger,
    stream,
    keyColumns,
    ignoreColumns: options.ignoreColumns,
    ignoreMetadataColumns: options.ignoreMetadataColumns,
    sinceColumn: options.since ? options.sinceColumn : undefined,
  });
  throwIfAny([...problems, ...(options.source ? await sourceProblems(client, options, plan!) : [])]);
  return plan!;
}

/** A check against the source needs a one-column key (the `_id`), a document in each table, and, when persisting, the verdict columns. */
async function sourceProblems(client: Client, options: ResolvedValidationOptions, plan: ComparisonPlan): Promise<string[]> {
  const problems = plan.keyColumns.length === 1 ? [] : [`--source-url: the key must be one column holding the document's _id (got ${plan.keyColumns.join(', ')})`];
  for (const table of [plan.trigger, plan.stream]) {
    if (!DOCUMENT_COLUMNS.some((column) => table.columns.includes(column))) problems.push(`--source-url: table ${options.schema}.${table.name} holds no document to compare with the source (no ${DOCUMENT_COLUMNS.join(' or ')} column)`);
  }
  return [...problems, ...(options.persist ? await missingVerdictColumns(client, options.resultsSchema) : [])];
}

function narrowing(options: ResolvedValidationOptions): Narrowing {
  if (options.mode === 'sample') return { mode: 'sample', rows: options.sample!, seed: options.sampleSeed };
  if (options.mode === 'since') return { mode: 'since', since: { column: options.sinceColumn, at: options.since! } };
  return { mode: 'full' };
}

/** The run's row in migration_validation_runs (with the settings that repeat it), and where its discrepancies go: nowhere when it persists nothing. */
async function startRun(client: Client, options: ResolvedValidationOptions, plan: ComparisonPlan, runId: string, startedAt: Date): Promise<DiscrepancyWriter> {
  if (!options.persist) return DISCARDING_WRITER;
  const { schema, ignoreColumns, ignoreMetadataColumns, tolerances, batchSize, sample, sampleSeed, since, sinceColumn } = options;
  const settings = { schema, keyColumns: plan.keyColumns, ignoreColumns, ignoreMetadataColumns, tolerances, batchSize, sample, sampleSeed, since: since?.toISOString(), sinceColumn, ...sourceSettings(options.source) };
  const { collection, triggerTable, streamTable, mode, threshold } = options;
  const query = startRunQuery({ runId, collection, triggerTable, streamTable, mode, startedAt, threshold, options: settings }, options.resultsSchema);
  await client.query(query.text, query.values);
  return createDiscrepancyWriter(client, { runId, collection, maxStored: options.maxStoredDiscrepancies, schema: options.resultsSchema, withVerdicts: options.source !== undefined });
}

/** What repeats a run's source check: everything but the URL, which may hold a password. */
function sourceSettings(source: ResolvedSourceCheckOptions | undefined): object {
  if (!source) return {};
  const { database, collection, excludeFields, versionField, lookupBatchSize } = source;
  return { source: { database, collection, excludeFields, versionField, lookupBatchSize } };
}

/** Steps 2 to 4: read both tables along the mode's passes, comparing as the rows arrive. */
async function readAndCompare(client: Client, options: ResolvedValidationOptions, plan: ComparisonPlan, tally: Tally): Promise<void> {
  const reader = createTableReader(client, plan, { schema: options.schema, batchSize: options.batchSize, narrowing: narrowing(options) });
  const passOptions = { keyCount: plan.keyColumns.length, batchSize: options.batchSize, onProgress: options.onProgress };
  if (options.mode === 'full') await mergePass(reader, tally, passOptions);
  else await narrowedPasses(reader, tally, { ...passOptions, mode: options.mode });
}

interface RunRecord {
  readonly runId: string;
  readonly stored: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly sourceVerdicts?: VerdictCounts;
}

function summarise(options: ResolvedValidationOptions, plan: ComparisonPlan, tally: Tally, run: RunRecord): ValidationResult {
  const counts = tally.counts();
  const accuracyPercent = counts.rowsExamined === 0 ? null : (counts.rowsMatching / counts.rowsExamined) * 100;
  return {
    runId: run.runId,
    collection: options.collection,
    triggerTable: options.triggerTable,
    streamTable: options.streamTable,
    mode: options.mode,
    keyColumns: plan.keyColumns,
    comparedColumns: plan.comparedColumns,
    columnsOnlyInTrigger: plan.columnsOnlyInTrigger,
    columnsOnlyInStream: plan.columnsOnlyInStream,
    ...counts,
    accuracyPercent,
    recommendation: recommend(accuracyPercent),
    threshold: options.threshold,
    passed: accuracyPercent !== null && accuracyPercent >= options.threshold,
    fields: tally.fields(),
    discrepanciesStored: run.stored,
    tolerances: options.tolerances,
    durationMs: run.finishedAt.getTime() - run.startedAt.getTime(),
    ...(run.sourceVerdicts ? { sourceVerdicts: run.sourceVerdicts } : {}),
  };
}

/** Step 5: the run's summary beside its discrepancies. */
async function finishRun(client: Client, options: ResolvedValidationOptions, result: ValidationResult, finishedAt: Date): Promise<void> {
  if (!options.persist) return;
  const query = finishRunQuery({ ...result, finishedAt }, options.resultsSchema);
  await client.query(query.text, query.values);
}

/** Where the tally's discrepancies go: straight to the writer, or through the source check first. */
function discrepancySink(writer: DiscrepancyWriter, options: ResolvedValidationOptions, source: SourceConnection | undefined, startedAt: Date): { sink: DiscrepancySink; check?: SourceCheck } {
  if (!source || !options.source) return { sink: writer };
  const { versionField, lookupBatchSize } = options.source;
  const check = createSourceCheck(source.lookup, { startedAt, versionField, lookupBatchSize, tolerances: options.tolerances }, writer);
  return { sink: check.sink, check };
}

export async function validateShadow(requested: ShadowValidationOptions): Promise<ValidationResult> {
  const startedAt = new Date();
  const options = resolveOptions(requested);
  throwIfAny(optionProblems(options));
  const client = await connectForValidation(options.databaseUrl);
  let source: SourceConnection | undefined;
  try {
    const plan = await inspect(client, options);
    source = options.source && (await connectToSource(options.source));
    const runId = randomUUID();
    const writer = await startRun(client, options, plan, runId, startedAt);
    const { sink, check } = discrepancySink(writer, options, source, startedAt);
    const tally = createTally(plan.comparedColumns, options.tolerances, sink);
    await readAndCompare(client, options, plan, tally);
    await check?.flush();
    await writer.flush();
    const finishedAt = new Date();
    const result = summarise(options, plan, tally, { runId, stored: writer.stored(), startedAt, finishedAt, sourceVerdicts: check?.counts() });
    await finishRun(client, options, result, finishedAt);
    return result;
  } finally {
    await source?.close();
    await client.end();
  }
}
