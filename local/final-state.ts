import type { Client } from 'pg';
import { BsonDate } from '../connectors/contracts/bson';
import type { MongoDocument } from './debezium-events';

/**
 * How far a warehouse table is from the final state of the sample changes. Counting rows is not
 * enough: a sink reads its topic's partitions in its own order, so the row count can be right (the
 * deletes arrived) while a later update of another document is still on its way. Every sample change
 * sets `updated_at`, so a row holds a document's final state exactly when its `updated_at` does.
 */
export interface FinalStateLag {
  /** Documents whose row is missing or holds an earlier version. */
  readonly behind: readonly string[];
  /** Deleted documents whose row remains. */
  readonly remaining: readonly string[];
}

export function isFinalState(lag: FinalStateLag): boolean {
  return lag.behind.length === 0 && lag.remaining.length === 0;
}

export function describeLag(lag: FinalStateLag, expected: number): string {
  const ids = (list: readonly string[]) => `${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`;
  const parts = [`${expected - lag.behind.length} of ${expected} rows hold their final version`];
  if (lag.behind.length) parts.push(`behind: ${ids(lag.behind)}`);
  if (lag.remaining.length) parts.push(`deleted but present: ${ids(lag.remaining)}`);
  return parts.join('; ');
}

/**
 * Compares `table` with `expected` (id → final document) and `deleted` ids. With `sinceMs`, a row
 * counts only when its source event is that recent, so rows left by an earlier run of the same
 * sample data do not pass for this run's.
 */
export async function finalStateLag(
  database: Client,
  table: string,
  expected: ReadonlyMap<string, MongoDocument>,
  deleted: readonly string[],
  sinceMs?: number,
): Promise<FinalStateLag> {
  const ids = [...expected.keys()];
  const { rows } = await database.query<{ id: string; ms: string | null; source_ms: string | null }>(
    `SELECT _id AS id, (extract(epoch FROM updated_at) * 1000)::bigint AS ms, __source_ts_ms AS source_ms FROM ${table} WHERE _id = ANY($1)`,
    [[...ids, ...deleted]],
  );
  const since = sinceMs === undefined ? undefined : Math.floor(sinceMs / 1000) * 1000;
  const version = new Map(rows.filter((row) => since === undefined || Number(row.source_ms) >= since).map((row) => [row.id, Number(row.ms)]));
  const behind = ids.filter((id) => version.get(id) !== (expected.get(id)!.updated_at as BsonDate).ms);
  const present = new Set(rows.map((row) => row.id));
  const remaining = deleted.filter((id) => present.has(id));
  return { behind, remaining };
}
