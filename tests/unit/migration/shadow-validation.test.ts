import { DEFAULT_TOLERANCES } from '../../../migration/compare';
import { optionProblems, recommend, resolveOptions, type ShadowValidationOptions } from '../../../migration/shadow-validation';

const base: ShadowValidationOptions = { databaseUrl: 'postgres://warehouse/bi', collection: 'orders', triggerTable: 'orders', streamTable: 'orders_stream' };

describe('resolveOptions', () => {
  it('resolves every default in one place, results on the search path', () => {
    const resolved = resolveOptions(base);
    expect(resolved).toMatchObject({
      schema: 'public',
      ignoreColumns: [],
      ignoreMetadataColumns: true,
      tolerances: DEFAULT_TOLERANCES,
      batchSize: 5000,
      sampleSeed: 1,
      sinceColumn: 'updated_at',
      threshold: 99.9,
      persist: true,
      maxStoredDiscrepancies: 100_000,
      mode: 'full',
    });
    expect(resolved.resultsSchema).toBeUndefined();
    expect(resolved.source).toBeUndefined();
    expect(resolveOptions({ ...base, source: { url: 'mongodb://source', database: 'app_db', collection: 'orders' } }).source).toMatchObject({ versionField: 'updated_at', lookupBatchSize: 500 });
  });

  it('takes its mode from the narrowing asked for', () => {
    expect(resolveOptions({ ...base, sample: 10 }).mode).toBe('sample');
    expect(resolveOptions({ ...base, since: new Date(0) }).mode).toBe('since');
  });
});

describe('optionProblems', () => {
  it('accepts the defaults', () => {
    expect(optionProblems(resolveOptions(base))).toEqual([]);
  });

  it('reports every problem of the options at once', () => {
    const options = resolveOptions({
      ...base,
      streamTable: 'orders',
      batchSize: 0,
      sample: 1.5,
      since: new Date(0),
      threshold: 101,
      tolerances: { timestampMs: -1, numericRelative: -0.1 },
      source: { url: 'mongodb://source', database: 'app_db', collection: 'orders', lookupBatchSize: 0 },
    });
    expect(optionProblems(options)).toEqual([
      'batchSize must be a whole number ≥ 1 (got 0)',
      'sample must be a whole number ≥ 1 (got 1.5)',
      'sample and since cannot be combined: pick one way of narrowing the comparison',
      'threshold must be a percentage between 0 and 100 (got 101)',
      'timestamp tolerance must be ≥ 0 ms (got -1)',
      'numeric tolerance must be ≥ 0 (got -0.1)',
      'trigger table and stream table are the same table (orders)',
      'source lookup batch size must be a whole number ≥ 1 (got 0)',
    ]);
  });
});

describe('recommendation thresholds', () => {
  it.each([
    [100, 'ready'],
    [99.9, 'ready'],
    [99.89, 'minor-issues'],
    [95, 'minor-issues'],
    [94.99, 'major-issues'],
    [null, 'no-data'],
  ] as const)('%s %% → %s', (accuracy, expected) => {
    expect(recommend(accuracy)).toBe(expected);
  });
});

