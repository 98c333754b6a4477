import {
  createDiscrepancyWriter,
  discrepanciesQuery,
  finishRunQuery,
  missingResultTables,
  missingVerdictColumns,
  resultTable,
  startRunQuery,
  valueText,
  type Queryable,
} from '../../../migration/shadow-persist';

/** A client that records each query and answers with the given rows. */
function recordingClient(rows: unknown[] = []): { client: Queryable; queries: Array<{ text: string; values: unknown[] }> } {
  const queries: Array<{ text: string; values: unknown[] }> = [];
  const client = { query: async (text: string, values: unknown[]) => (queries.push({ text, values }), { rows }) } as unknown as Queryable;
  return { client, queries };
}

const RUN_ID = '00000000-0000-4000-8000-000000000001';

describe('result tables', () => {
  it('are found on the search path unless a schema is named', () => {
    expect(resultTable('migration_discrepancies')).toBe('migration_discrepancies');
    expect(resultTable('migration_discrepancies', 'audit')).toBe('"audit".migration_discrepancies');
  });

  it('name the warehouse migration that creates a missing one', async () => {
    const { client, queries } = recordingClient([{ name: '"audit".migration_validation_runs' }]);
    expect(await missingResultTables(client, 'audit')).toEqual([
      'result table "audit".migration_validation_runs does not exist: apply the warehouse migrations (003_shadow_validation_results creates it), or validate with --no-persist',
    ]);
    expect(queries[0]!.values).toEqual([['"audit".migration_validation_runs', '"audit".migration_discrepancies']]);
  });
});

describe('run queries', () => {
  it('start a run with its settings as JSON and finish it with its counts', () => {
    const startedAt = new Date('2026-01-01T00:00:00Z');
    const start = startRunQuery({ runId: RUN_ID, collection: 'orders', triggerTable: 'orders', streamTable: 'orders_stream', mode: 'full', startedAt, threshold: 99.9, options: { batchSize: 5 } });
    expect(start.text).toMatch(/^INSERT INTO migration_validation_runs \(run_id, collection, trigger_table, stream_table, mode, started_at, threshold, options\)/);
    expect(start.values).toEqual([RUN_ID, 'orders', 'orders', 'orders_stream', 'full', startedAt, 99.9, '{"batchSize":5}']);
    const finishedAt = new Date('2026-01-01T00:01:00Z');
    const counts = { rowsExamined: 4, rowsMatching: 3, rowsWithDifferences: 1, missingOnStream: 0, missingOnTrigger: 0 };
    const finish = finishRunQuery({ runId: RUN_ID, finishedAt, ...counts, accuracyPercent: 75, recommendation: 'major-issues', passed: false }, 'audit');
    expect(finish.text).toMatch(/^UPDATE "audit".migration_validation_runs SET finished_at = \$2/);
    expect(finish.values).toEqual([RUN_ID, finishedAt, 4, 3, 1, 0, 0, 75, 'major-issues', false]);
  });

  it('insert many discrepancies as one array per column', () => {
    const query = discrepanciesQuery(RUN_ID, 'orders', [
      ['k1', 'value', 'status', 'paid', 'refunded'],
      ['k2', 'missing_on_stream', null, null, null],
    ]);
    expect(query.values).toEqual([RUN_ID, 'orders', ['k1', 'k2'], ['value', 'missing_on_stream'], ['status', null], ['paid', null], ['refunded', null]]);
    expect(query.text).not.toContain('source_verdict');
  });

  it('store each discrepancy\'s verdict, and the run\'s counts per verdict, only for a run checked against the source', () => {
    const rows: Parameters<typeof discrepanciesQuery>[2] = [['k1', 'value', 'status', 'paid', 'refunded', 'stream-side wrong'], ['k2', 'missing_on_stream', null, null, null, 'both wrong']];
    const query = discrepanciesQuery(RUN_ID, 'orders', rows, undefined, true);
    expect(query.text).toContain('(run_id, collection, row_key, kind, field, trigger_value, stream_value, source_verdict)');
    expect(query.text).toContain('unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])');
    expect(query.values[7]).toEqual(['stream-side wrong', 'both wrong']);
    const counts = { rowsExamined: 1, rowsMatching: 0, rowsWithDifferences: 1, missingOnStream: 0, missingOnTrigger: 0 };
    const sourceVerdicts = { 'trigger-side wrong': 0, 'stream-side wrong': 1, 'both wrong': 0, 'source changed since': 0, undecided: 0 };
    const finish = finishRunQuery({ runId: RUN_ID, finishedAt: new Date(0), ...counts, accuracyPercent: 0, recommendation: 'major-issues', passed: false, sourceVerdicts });
    expect(finish.text).toContain('source_verdicts = $11 WHERE run_id = $1');
    expect(JSON.parse(finish.values[10] as string)).toEqual(sourceVerdicts);
  });

  it('name the warehouse migration that adds a missing verdict column', async () => {
    const { client, queries } = recordingClient([{ name: 'migration_discrepancies', column_name: 'source_verdict' }]);
    expect(await missingVerdictColumns(client)).toEqual([
      'result column migration_discrepancies.source_verdict does not exist: apply the warehouse migrations (005_discrepancy_source_verdicts adds it), or validate with --no-persist',
    ]);
    expect(queries[0]!.values).toEqual([['migration_discrepancies', 'migration_validation_runs'], ['source_verdict', 'source_verdicts']]);
  });
});

describe('createDiscrepancyWriter', () => {
  it('writes in batches of 1000 and the rest on flush', async () => {
    const { client, queries } = recordingClient();
    const writer = createDiscrepancyWriter(client, { runId: RUN_ID, collection: 'orders', maxStored: 100_000 });
    for (let index = 0; index < 1001; index += 1) await writer.record({ key: `k${index}`, kind: 'missing_on_stream', triggerRow: {}, differences: [] });
    expect(queries).toHaveLength(1);
    expect((queries[0]!.values[2] as string[]).length).toBe(1000);
    await writer.flush();
    expect(queries.map((query) => (query.values[2] as string[]).length)).toEqual([1000, 1]);
    await writer.flush();
    expect(queries).toHaveLength(2);
  });

  it('stores no more than the cap', async () => {
    const { client, queries } = recordingClient();
    const writer = createDiscrepancyWriter(client, { runId: RUN_ID, collection: 'orders', maxStored: 2 });
    for (const key of ['k1', 'k2', 'k3']) await writer.record({ key, kind: 'differences', triggerRow: {}, streamRow: {}, differences: [{ field: 'status', kind: 'value', trigger: 'a', stream: 'b' }] });
    await writer.flush();
    expect(writer.stored()).toBe(2);
    expect(queries[0]!.values[2]).toEqual(['k1', 'k2']);
  });

  it('stores a row with differences as one row per differing field, each with the verdict', async () => {
    const { client, queries } = recordingClient();
    const writer = createDiscrepancyWriter(client, { runId: RUN_ID, collection: 'orders', maxStored: 100, withVerdicts: true });
    const differences = [{ field: 'doc.status', kind: 'value' as const, trigger: 'paid', stream: 'new' }, { field: 'doc.total', kind: 'value' as const, trigger: 10, stream: 12 }];
    await writer.record({ key: 'k1', kind: 'differences', triggerRow: {}, streamRow: {}, differences }, 'stream-side wrong');
    await writer.flush();
    expect(queries[0]!.values.slice(2)).toEqual([['k1', 'k1'], ['value', 'value'], ['doc.status', 'doc.total'], ['paid', '10'], ['new', '12'], ['stream-side wrong', 'stream-side wrong']]);
  });
});

describe('valueText', () => {
  it('stores structures as JSON, timestamps as ISO, and cuts long values', () => {
    expect(valueText(null)).toBeNull();
    expect(valueText({ a: [1] })).toBe('{"a":[1]}');
    expect(valueText(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00.000Z');
    expect(valueText('x'.repeat(1001))).toBe(`${'x'.repeat(1000)}…`);
    expect(valueText('x'.repeat(1000))).toBe('x'.repeat(1000));
  });
});
