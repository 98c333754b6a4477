import type { Client } from 'pg';
import type { PlannedTable } from '../../../migration/shadow-inspect';
import { qualifiedName } from '../../../migration/shadow-query';
import { connectForValidation, createTableReader, DEFAULT_VALIDATION_LIMITS, samplePercent, type ReaderSettings } from '../../../migration/shadow-read';
import { startSilentPostgres, startStalledPostgres, type HostilePostgres } from '../../support/hostile-postgres';

const table = (name: string): PlannedTable => ({ name, qualified: qualifiedName('shop', name), columns: ['id'], keyColumns: ['id'], keyTypes: ['text'] });
const tables = { trigger: table('orders'), stream: table('orders_stream') };

/**
 * A client over one sorted key list that answers the reader's queries as PostgreSQL would: the
 * statistics query with `tableRows`, a batch with the rows after its `after` key up to its limit.
 */
function fakeClient(keys: readonly string[], tableRows = keys.length): { client: Client; limits: number[] } {
  const limits: number[] = [];
  const query = async (text: string, values: unknown[]) => {
    if (text.includes('reltuples')) return { rows: [{ estimate: tableRows }] };
    const limit = values[values.length - 1] as number;
    limits.push(limit);
    const after = text.includes(') > (') ? (values[0] as string) : undefined;
    return { rows: keys.filter((key) => after === undefined || key > after).slice(0, limit).map((key) => ({ __key0: key, id: key })) };
  };
  return { client: { query } as unknown as Client, limits };
}

async function read(batches: AsyncGenerator<Record<string, unknown>[]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of batches) out.push(batch.map((row) => row.__key0 as string));
  return out;
}

const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

describe('createTableReader', () => {
  it('reads keyset batches until a short one', async () => {
    const { client, limits } = fakeClient(keys);
    const settings: ReaderSettings = { schema: 'shop', batchSize: 3, narrowing: { mode: 'full' } };
    expect(await read(createTableReader(client, tables, settings).batches('trigger'))).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect(limits).toEqual([3, 3, 3]);
  });

  it('stops a sample at its size, asking the last batch for only the rows still wanted', async () => {
    const { client, limits } = fakeClient(keys);
    const settings: ReaderSettings = { schema: 'shop', batchSize: 2, narrowing: { mode: 'sample', rows: 5, seed: 1 } };
    expect(await read(createTableReader(client, tables, settings).batches('trigger'))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(limits).toEqual([2, 2, 1]);
  });

  it('estimates a sample pass by its size and a full pass by the statistics', async () => {
    const sampled = createTableReader(fakeClient(keys, 1000).client, tables, { schema: 'shop', batchSize: 2, narrowing: { mode: 'sample', rows: 5, seed: 1 } });
    expect(await sampled.estimate('stream')).toBe(5);
    const full = createTableReader(fakeClient(keys, 1000).client, tables, { schema: 'shop', batchSize: 2, narrowing: { mode: 'full' } });
    expect(await full.estimate('stream')).toBe(1000);
  });
});

describe('samplePercent', () => {
  it('draws 20 % more than the share asked for, capped at the whole table', () => {
    expect(samplePercent(100, 10_000)).toBeCloseTo(1.2, 10);
    expect(samplePercent(100, 50)).toBe(100);
    expect(samplePercent(100, 0)).toBe(100);
  });
});

describe('connectForValidation against a warehouse that never answers', () => {
  let server: HostilePostgres | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('gives up connecting to a server that accepts and says nothing (migrate validate hung here)', async () => {
    server = await startSilentPostgres();
    await expect(connectForValidation(server.url, { connectTimeoutMs: 200 })).rejects.toThrow(/timeout/i);
  });

  it('gives up on a query the server never answers, and asks the server to bound every statement', async () => {
    server = await startStalledPostgres();
    const client = await connectForValidation(server.url, { statementTimeoutMs: 1_000, queryTimeoutMs: 200 });
    try {
      await expect(client.query('select 1')).rejects.toThrow(/Query read timeout/);
    } finally {
      await client.end().catch(() => undefined);
    }
    expect(server.startups[0]).toMatchObject({ statement_timeout: '1000', application_name: 'cdcctl migrate validate' });
  });

  it('bounds every statement by default (what migrate validate connects with)', async () => {
    server = await startStalledPostgres();
    const client = await connectForValidation(server.url);
    await client.end().catch(() => undefined);
    expect(server.startups[0]!.statement_timeout).toBe(String(DEFAULT_VALIDATION_LIMITS.statementTimeoutMs));
  });
});
