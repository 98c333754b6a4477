import { mergePass, narrowedPasses, type ValidationProgress } from '../../../migration/shadow-passes';
import type { Row } from '../../../migration/shadow-query';
import type { SideName, TableReader } from '../../../migration/shadow-read';
import type { Tally } from '../../../migration/shadow-tally';

/**
 * The passes against an in-memory reader that reads as the real one does (keyset batches in key
 * order, key ranges (from, to]), recording every range the merge asks for and every verdict.
 */
const row = (key: string, extra: Record<string, unknown> = {}): Row => ({ __key0: key, ...extra });

function chunks(rows: readonly Row[], size: number): Row[][] {
  const out: Row[][] = [];
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size));
  return out;
}

interface Recorded {
  readonly reader: TableReader;
  readonly ranges: string[];
}

function memoryReader(tables: Record<SideName, readonly string[]>, batchSize: number, selected?: Record<SideName, readonly string[]>, seenOnTrigger: readonly string[] = []): Recorded {
  const rowsOf = (side: SideName) => [...tables[side]].sort().map((key) => row(key));
  const ranges: string[] = [];
  const reader: TableReader = {
    async *batches(side) {
      const keys = selected ? selected[side] : tables[side];
      yield* chunks(rowsOf(side).filter((candidate) => keys.includes(candidate.__key0 as string)), batchSize);
    },
    async *streamRange(from, to) {
      ranges.push(`(${from?.[0] ?? '-∞'}, ${to?.[0] ?? '∞'}]`);
      const inRange = rowsOf('stream').filter((candidate) => (!from || (candidate.__key0 as string) > from[0]!) && (!to || (candidate.__key0 as string) <= to[0]!));
      yield* chunks(inRange, batchSize);
    },
    byKeys: async (side, keys, flagSeen) =>
      new Map(
        rowsOf(side)
          .filter((candidate) => keys.some((key) => key[0] === candidate.__key0))
          .map((found) => [found.__key0 as string, flagSeen ? { ...found, __seen: seenOnTrigger.includes(found.__key0 as string) } : found]),
      ),
    estimate: async (side) => tables[side].length,
  };
  return { reader, ranges };
}

function recordingTally(): { tally: Tally; verdicts: string[] } {
  const verdicts: string[] = [];
  const tally: Tally = {
    compare: async (key) => void verdicts.push(`compare ${key}`),
    // The row of the side that has it travels with a missing row (the source check reads its document).
    missing: async (key, kind, row) => void verdicts.push(`${kind} ${key}${row.__key0 === key ? '' : ' without its row'}`),
    counts: () => ({ rowsExamined: 0, rowsMatching: 0, rowsWithDifferences: 0, missingOnStream: 0, missingOnTrigger: 0 }),
    fields: () => [],
  };
  return { tally, verdicts };
}

const options = (batchSize: number, progress: ValidationProgress[] = []) => ({ keyCount: 1, batchSize, onProgress: (update: ValidationProgress) => void progress.push(update) });

describe('mergePass: key ranges', () => {
  it('gives each full trigger batch the range (previous last key, own last key] and the short last batch an open end', async () => {
    const { reader, ranges } = memoryReader({ trigger: ['a', 'b', 'c', 'd', 'e'], stream: ['a', 'c', 'e', 'z'] }, 2);
    const { tally, verdicts } = recordingTally();
    await mergePass(reader, tally, options(2));
    expect(ranges).toEqual(['(-∞, b]', '(b, d]', '(d, ∞]']);
    expect(verdicts).toEqual(['compare a', 'missing_on_stream b', 'compare c', 'missing_on_stream d', 'compare e', 'missing_on_trigger z']);
  });

  it('reads the stream rows after the last key separately when the trigger table ends on a full batch', async () => {
    const { reader, ranges } = memoryReader({ trigger: ['a', 'b', 'c', 'd'], stream: ['b', 'd', 'e', 'f'] }, 2);
    const { tally, verdicts } = recordingTally();
    await mergePass(reader, tally, options(2));
    expect(ranges).toEqual(['(-∞, b]', '(b, d]', '(d, ∞]']);
    expect(verdicts).toEqual(['compare b', 'missing_on_stream a', 'compare d', 'missing_on_stream c', 'missing_on_trigger e', 'missing_on_trigger f']);
  });

  it('counts a stream row before the first trigger key as missing on the trigger side', async () => {
    const { reader } = memoryReader({ trigger: ['m'], stream: ['a', 'm'] }, 5);
    const { tally, verdicts } = recordingTally();
    await mergePass(reader, tally, options(5));
    expect(verdicts).toEqual(['missing_on_trigger a', 'compare m']);
  });

  it('reads the whole stream side once when the trigger side is empty, and nothing more when the stream side is', async () => {
    const emptyTrigger = memoryReader({ trigger: [], stream: ['a', 'b'] }, 1);
    const first = recordingTally();
    await mergePass(emptyTrigger.reader, first.tally, options(1));
    expect(emptyTrigger.ranges).toEqual(['(-∞, ∞]']);
    expect(first.verdicts).toEqual(['missing_on_trigger a', 'missing_on_trigger b']);
    const emptyStream = memoryReader({ trigger: ['a', 'b'], stream: [] }, 5);
    const second = recordingTally();
    await mergePass(emptyStream.reader, second.tally, options(5));
    expect(second.verdicts).toEqual(['missing_on_stream a', 'missing_on_stream b']);
  });

  it('reports progress per trigger batch against the estimate', async () => {
    const progress: ValidationProgress[] = [];
    const { reader } = memoryReader({ trigger: ['a', 'b', 'c'], stream: [] }, 2);
    await mergePass(reader, recordingTally().tally, options(2, progress));
    expect(progress).toEqual([
      { pass: 'trigger-side', rows: 2, estimatedRows: 3 },
      { pass: 'trigger-side', rows: 3, estimatedRows: 3 },
    ]);
  });
});

describe('narrowedPasses', () => {
  it('in a sample, compares a pair once whichever side selected it, and counts rows missing on either side', async () => {
    const selected = { trigger: ['a', 'b', 'x'], stream: ['a', 'c', 'y'] };
    const { reader } = memoryReader({ trigger: ['a', 'b', 'c', 'x'], stream: ['a', 'b', 'c', 'y'] }, 2, selected);
    const { tally, verdicts } = recordingTally();
    await narrowedPasses(reader, tally, { ...options(2), mode: 'sample' });
    expect(verdicts).toEqual(['compare a', 'compare b', 'missing_on_stream x', 'compare c', 'missing_on_trigger y']);
  });

  it('since a time, leaves to the first pass the stream rows whose trigger twin changed since too', async () => {
    const selected = { trigger: ['a'], stream: ['a', 'b', 'y'] };
    const { reader } = memoryReader({ trigger: ['a', 'b'], stream: ['a', 'b', 'y'] }, 10, selected, ['a']);
    const { tally, verdicts } = recordingTally();
    await narrowedPasses(reader, tally, { ...options(10), mode: 'since' });
    expect(verdicts).toEqual(['compare a', 'compare b', 'missing_on_trigger y']);
  });
});
