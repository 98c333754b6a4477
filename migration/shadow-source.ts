import { BSON, MongoClient, type Document, type Filter } from 'mongodb';
import { relaxedJson, type BsonDocument } from '../connectors/contracts/bson';
import { fromDriver, RAW_DRIVER_VALUES } from '../connectors/contracts/driver-values';
import type { Tolerances } from './compare';
import type { DiscrepancyWriter } from './shadow-persist';
import type { DiscrepancySink, RowDiscrepancy } from './shadow-tally';
import { emptyVerdictCounts, sourceDocument, sourceVerdict, type SourceDocument, type SourceVerdict, type VerdictCounts } from './source-verdict';

/**
 * Shadow validation against the source collection: each discrepancy, as the tally finds it, waits in
 * a buffer; a full buffer is looked up in the collection by `_id` in one query, each discrepancy gets
 * its verdict (source-verdict.ts) and is handed on to the writer with it. Memory stays bounded by the
 * lookup batch.
 *
 * The `_id` of a row is its key read as MongoDB relaxed extended JSON: the sink's key column `id`
 * holds Debezium's record key, the `_id` in that form (warehouse/contract-sql.ts). A key that is not
 * extended JSON names no document: its discrepancy is `undecided`.
 */

export interface SourceCheckOptions {
  /** Connection string of the source (a MongoDB, or the local runtime's stand-in). Never printed unmasked. */
  readonly url: string;
  readonly database: string;
  readonly collection: string;
  /** Dot paths the pipeline removes from the document (PipelineDefinition.excludeFields). @default [] */
  readonly excludeFields?: readonly string[];
  /** The document's version: a date field every change sets. @default 'updated_at' */
  readonly versionField?: string;
  /** Discrepancies looked up per query. @default 500 */
  readonly lookupBatchSize?: number;
}

export type ResolvedSourceCheckOptions = Required<SourceCheckOptions>;

export function resolveSourceCheckOptions(options: SourceCheckOptions): ResolvedSourceCheckOptions {
  return { ...options, excludeFields: options.excludeFields ?? [], versionField: options.versionField ?? 'updated_at', lookupBatchSize: options.lookupBatchSize ?? 500 };
}

export function sourceCheckProblems(options: ResolvedSourceCheckOptions): string[] {
  const { lookupBatchSize, database, collection, versionField } = options;
  return [
    ...(Number.isInteger(lookupBatchSize) && lookupBatchSize >= 1 ? [] : [`source lookup batch size must be a whole number ≥ 1 (got ${lookupBatchSize})`]),
    ...(database && collection ? [] : [`source: name its database and collection (got ${JSON.stringify(`${database}.${collection}`)})`]),
    ...(versionField ? [] : ['source version field must not be empty']),
  ];
}

/** Documents by key: a key's document as the sink would write it, null when the collection has none; a key that names no `_id` is left out. */
export type SourceLookup = (keys: readonly string[]) => Promise<Map<string, SourceDocument | null>>;

/** The `_id` a key names (its relaxed extended JSON read back), or undefined when it is not extended JSON. */
export function sourceId(key: string): unknown {
  try {
    return BSON.EJSON.parse(key, { relaxed: false });
  } catch {
    return undefined;
  }
}

/** One `_id` in one form whichever way it was written: the relaxed JSON of its BSON value. */
const idForm = (id: unknown): string => relaxedJson(fromDriver(id));

/** The source could not be reached or read: the CLI names the source (its URL masked), not the warehouse. */
export class SourceCheckError extends Error {
  override name = 'SourceCheckError';
}

async function orSourceError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new SourceCheckError((error as Error).message);
  }
}

export interface SourceConnection {
  readonly lookup: SourceLookup;
  readonly close: () => Promise<void>;
}

export async function connectToSource(options: ResolvedSourceCheckOptions): Promise<SourceConnection> {
  const client = new MongoClient(options.url, { serverSelectionTimeoutMS: 10_000, connectTimeoutMS: 10_000, appName: 'cdcctl migrate validate' });
  await orSourceError(() => client.connect()).catch(async (error: unknown) => {
    await client.close().catch(() => undefined);
    throw error;
  });
  const collection = client.db(options.database).collection(options.collection);
  const lookup: SourceLookup = async (keys) => {
    const ids = new Map<string, { key: string; id: unknown }>();
    for (const key of keys) {
      const id = sourceId(key);
      if (id !== undefined) ids.set(idForm(id), { key, id });
    }
    const found = new Map<string, SourceDocument | null>([...ids.values()].map(({ key }) => [key, null]));
    if (ids.size === 0) return found;
    // The `_id`s are of any BSON type: the driver's Filter types them as ObjectIds.
    const filter = { _id: { $in: [...ids.values()].map(({ id }) => id) } } as Filter<Document>;
    const documents = await orSourceError(() => collection.find(filter, RAW_DRIVER_VALUES).toArray());
    for (const document of documents) {
      const wanted = ids.get(idForm(document._id));
      if (wanted) found.set(wanted.key, sourceDocument(fromDriver(document) as BsonDocument, options.excludeFields));
    }
    return found;
  };
  return { lookup, close: () => client.close() };
}

export interface SourceCheck {
  /** Where the tally hands its discrepancies. */
  readonly sink: DiscrepancySink;
  /** Checks and writes what is buffered. */
  flush(): Promise<void>;
  counts(): VerdictCounts;
}

export interface SourceCheckSettings {
  readonly startedAt: Date;
  readonly versionField: string;
  readonly tolerances: Tolerances;
  readonly lookupBatchSize: number;
}

/** Discrepancies checked against the source in batches, then written with their verdicts. */
export function createSourceCheck(lookup: SourceLookup, settings: SourceCheckSettings, writer: Pick<DiscrepancyWriter, 'record'>): SourceCheck {
  const counts = emptyVerdictCounts();
  const buffer: RowDiscrepancy[] = [];
  const verdictOf = (discrepancy: RowDiscrepancy, documents: ReadonlyMap<string, SourceDocument | null>): SourceVerdict => {
    if (!documents.has(discrepancy.key)) return 'undecided';
    const { triggerRow, streamRow } = discrepancy;
    const { versionField, tolerances } = settings;
    return sourceVerdict({ triggerRow, streamRow, source: documents.get(discrepancy.key)!, startedAtMs: settings.startedAt.getTime(), versionField, tolerances });
  };
  const flush = async () => {
    if (buffer.length === 0) return;
    const batch = buffer.splice(0);
    const documents = await lookup([...new Set(batch.map((discrepancy) => discrepancy.key))]);
    for (const discrepancy of batch) {
      const verdict = verdictOf(discrepancy, documents);
      counts[verdict] += 1;
      await writer.record(discrepancy, verdict);
    }
  };
  return {
    sink: {
      async record(discrepancy) {
        buffer.push(discrepancy);
        if (buffer.length >= settings.lookupBatchSize) await flush();
      },
    },
    flush,
    counts: () => ({ ...counts }),
  };
}
