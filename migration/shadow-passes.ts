import { keyOf, keysOf, type Row } from './shadow-query';
import type { TableReader } from './shadow-read';
import type { Tally } from './shadow-tally';

/**
 * How shadow validation walks the two tables, reading through a `TableReader` and counting through a
 * `Tally`: a full run is one merge pass in key order; a narrowed run (sample, since) reads the
 * selected rows of each side and fetches their twins by key. Each row of either side is examined
 * exactly once.
 */

export interface ValidationProgress {
  readonly pass: 'trigger-side' | 'stream-side';
  readonly rows: number;
  /** Rows the pass will read, estimated from the planner statistics (or the sample size). */
  readonly estimatedRows: number;
}

export interface PassOptions {
  /** Columns in the key. */
  readonly keyCount: number;
  /** Rows per batch: a full trigger batch ends its key range, a shorter one is the last. */
  readonly batchSize: number;
  readonly onProgress: (progress: ValidationProgress) => void;
}

/** The trigger rows of one batch against the stream rows of its key range (lower, upper]. */
async function mergeRange(reader: TableReader, tally: Tally, triggerRows: readonly Row[], lower: string[] | undefined, upper: string[] | undefined, keyCount: number): Promise<void> {
  const byKey = new Map(triggerRows.map((row) => [keyOf(row, keyCount), row]));
  for await (const streamRows of reader.streamRange(lower, upper)) {
    for (const streamRow of streamRows) {
      const key = keyOf(streamRow, keyCount);
      const triggerRow = byKey.get(key);
      if (triggerRow) {
        byKey.delete(key);
        await tally.compare(key, triggerRow, streamRow);
      } else await tally.missing(key, 'missing_on_trigger', streamRow);
    }
  }
  for (const [key, triggerRow] of byKey) await tally.missing(key, 'missing_on_stream', triggerRow);
}

/**
 * One merge pass: each trigger batch covers the key range (previous batch's last key, its own last
 * key]; the stream rows of that range are read in batches too, through the key index.
 */
export async function mergePass(reader: TableReader, tally: Tally, options: PassOptions): Promise<void> {
  const { keyCount, batchSize, onProgress } = options;
  const estimatedRows = await reader.estimate('trigger');
  let rows = 0;
  let lower: string[] | undefined;
  let exhausted = false;
  for await (const batch of reader.batches('trigger')) {
    // The last (short) batch's range is open-ended, so stream rows past every trigger key are seen.
    const upper = batch.length < batchSize ? undefined : keysOf(batch[batch.length - 1]!, keyCount);
    exhausted = upper === undefined;
    await mergeRange(reader, tally, batch, lower, upper, keyCount);
    lower = keysOf(batch[batch.length - 1]!, keyCount);
    rows += batch.length;
    onProgress({ pass: 'trigger-side', rows, estimatedRows });
  }
  // A trigger table that ends on a full batch (or is empty) leaves the stream rows after its last key.
  if (!exhausted) for await (const streamRows of reader.streamRange(lower, undefined)) for (const streamRow of streamRows) await tally.missing(keyOf(streamRow, keyCount), 'missing_on_trigger', streamRow);
}

type NarrowedPassOptions = PassOptions & { readonly mode: 'sample' | 'since' };

/**
 * The narrowed trigger rows against their stream twins, fetched by key. A sample run returns the keys
 * it examined (a sample is small); a since run keeps none, as its selection can be any size.
 */
async function triggerSidePass(reader: TableReader, tally: Tally, options: NarrowedPassOptions): Promise<ReadonlySet<string> | undefined> {
  const { keyCount, onProgress } = options;
  const estimatedRows = await reader.estimate('trigger');
  const examined = options.mode === 'sample' ? new Set<string>() : undefined;
  let rows = 0;
  for await (const batch of reader.batches('trigger')) {
    const twins = await reader.byKeys('stream', batch.map((row) => keysOf(row, keyCount)));
    for (const row of batch) {
      const key = keyOf(row, keyCount);
      examined?.add(key);
      const twin = twins.get(key);
      if (twin) await tally.compare(key, row, twin);
      else await tally.missing(key, 'missing_on_stream', row);
    }
    rows += batch.length;
    onProgress({ pass: 'trigger-side', rows, estimatedRows });
  }
  return examined;
}

/**
 * The narrowed stream rows the first pass did not cover. A since run asks the trigger side whether
 * a row changed since (then the first pass read it); a sample run remembers the keys it examined.
 */
async function streamSidePass(reader: TableReader, tally: Tally, options: NarrowedPassOptions, examined: ReadonlySet<string> | undefined): Promise<void> {
  const { keyCount, onProgress, mode } = options;
  const estimatedRows = await reader.estimate('stream');
  let rows = 0;
  for await (const batch of reader.batches('stream')) {
    const counterparts = await reader.byKeys('trigger', batch.map((row) => keysOf(row, keyCount)), mode === 'since');
    for (const row of batch) {
      const key = keyOf(row, keyCount);
      const counterpart = counterparts.get(key);
      if (!counterpart) await tally.missing(key, 'missing_on_trigger', row);
      else if (!(mode === 'since' ? counterpart.__seen === true : examined!.has(key))) await tally.compare(key, counterpart, row);
    }
    rows += batch.length;
    onProgress({ pass: 'stream-side', rows, estimatedRows });
  }
}

/** The two passes of a narrowed run: the trigger side's selection, then the stream side's. */
export async function narrowedPasses(reader: TableReader, tally: Tally, options: NarrowedPassOptions): Promise<void> {
  const examined = await triggerSidePass(reader, tally, options);
  await streamSidePass(reader, tally, options, examined);
}
