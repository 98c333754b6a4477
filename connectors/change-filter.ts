/**
 * Which change events a pipeline captures, as a MongoDB `$match` over the change event (operation
 * types, `fullDocument` fields…): what an Atlas trigger's operation types and match expressed. The
 * Debezium source applies it on the server through `cursor.pipeline`.
 */
export type ChangeCondition = Readonly<Record<string, unknown>>;

export interface CollectionCondition {
  readonly collection: string;
  readonly condition?: ChangeCondition;
}

/**
 * The `cursor.pipeline` of a source that captures several collections of one database: events of a
 * collection without a condition pass, the others must meet their own. Undefined when nothing is filtered.
 */
export function cursorPipelineFor(collections: readonly CollectionCondition[]): unknown[] | undefined {
  const filtered = collections.filter((entry) => entry.condition !== undefined);
  if (filtered.length === 0) return undefined;
  const names = [...new Set(filtered.map((entry) => entry.collection))].sort();
  const branches: unknown[] = [{ 'ns.coll': { $nin: names } }];
  for (const entry of [...filtered].sort((a, b) => a.collection.localeCompare(b.collection))) {
    branches.push({ $and: [{ 'ns.coll': entry.collection }, entry.condition] });
  }
  return [{ $match: { $or: branches } }];
}

