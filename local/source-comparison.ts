import { MongoClient } from 'mongodb';
import type { Client } from 'pg';
import { idText } from '../connectors/contracts/bson';
import { fromDriver } from './document-samples';

/**
 * A warehouse table compared with the collection it mirrors, document by document: the rehearsal's
 * measure of a cut-over (issue 13). A version is named by the document's `updated_at`, which every
 * change of the rehearsal's load sets from a clock that never repeats a millisecond (local/order-load.ts).
 * - missing: a document of the collection without its row;
 * - extra: a row whose document is no longer in the collection (a delete that never arrived);
 * - stale: a row holding an older version than the collection's (a lost or overwritten update);
 * - staleness: how long the table has lagged the collection, per document: now minus the time the
 *   version the row lacks was written (for a missing or stale row; 0 when it is current).
 */
export interface SourceComparison {
  readonly documents: number;
  readonly rows: number;
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly stale: readonly string[];
  readonly maxStalenessMs: number;
}

/** The versions of a collection's documents: `_id` (as the warehouse's `_id` column) → `updated_at` in ms. */
export async function sourceVersions(mongo: MongoClient, database: string, collection: string): Promise<Map<string, number>> {
  const documents = await mongo.db(database).collection(collection).find({}, { projection: { updated_at: 1 }, promoteValues: false }).toArray();
  return new Map(documents.map((document) => [idText(fromDriver(document._id)), (document.updated_at as Date | undefined)?.getTime() ?? 0]));
}

/** The versions the table holds: `_id` → `updated_at` in ms. */
export async function tableVersions(warehouse: Client, table: string): Promise<Map<string, number>> {
  // The key as text (cdc.id_text, what the typed `_id` column holds): a row without a typed `_id` (a
  // key the contract cannot type, a row without a document) is still named by its key.
  const { rows } = await warehouse.query<{ id: string; ms: string | null }>(`SELECT cdc.id_text(id) AS id, (extract(epoch FROM updated_at) * 1000)::bigint AS ms FROM ${table}`);
  return new Map(rows.map((row) => [row.id, Number(row.ms ?? 0)]));
}

/** Pure: the comparison of both sides' versions at `nowMs`. */
export function compareVersions(source: ReadonlyMap<string, number>, table: ReadonlyMap<string, number>, nowMs: number): SourceComparison {
  const missing: string[] = [];
  const stale: string[] = [];
  let maxStalenessMs = 0;
  for (const [id, version] of source) {
    const held = table.get(id);
    if (held === undefined) missing.push(id);
    else if (held < version) stale.push(id);
    else continue;
    // A document without `updated_at` (a readiness probe) has no time to lag from.
    if (version > 0) maxStalenessMs = Math.max(maxStalenessMs, nowMs - version);
  }
  const extra = [...table.keys()].filter((id) => !source.has(id));
  return { documents: source.size, rows: table.size, missing, extra, stale, maxStalenessMs };
}

/** Reads the table before the collection: a change in between shows as lag, never as a row ahead of its source. */
export async function compareWithSource(mongo: MongoClient, warehouse: Client, target: { database: string; collection: string; table: string }): Promise<SourceComparison> {
  const table = await tableVersions(warehouse, target.table);
  const source = await sourceVersions(mongo, target.database, target.collection);
  return compareVersions(source, table, Date.now());
}

export function describeComparison(comparison: SourceComparison): string {
  const ids = (list: readonly string[]) => (list.length ? ` (${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''})` : '');
  return `${comparison.documents} documents, ${comparison.rows} rows: ${comparison.missing.length} missing${ids(comparison.missing)}, ${comparison.extra.length} extra${ids(comparison.extra)}, ${comparison.stale.length} stale${ids(comparison.stale)}`;
}
