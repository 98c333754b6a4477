import { BsonDate, ObjectId } from '../../../connectors/contracts/bson';
import { newOrderLoadState, planOrderChange } from '../../../local/order-load';
import { seededRandom } from '../../../local/sample-data';
import type { StandInOperation } from '../../../local/standin-writer';

const target = { database: 'rehearsal_db', collection: 'orders' };

function plan(count: number, nowMs = 1_796_000_000_000): { operations: StandInOperation[]; state: ReturnType<typeof newOrderLoadState> } {
  const state = newOrderLoadState();
  const random = seededRandom(1);
  return { operations: Array.from({ length: count }, () => planOrderChange(state, random, nowMs, target)), state };
}

const updatedAt = (operation: StandInOperation): number | undefined => {
  if (operation.op === 'update') return (operation.set.updated_at as BsonDate).ms;
  if (operation.op === 'insert' || operation.op === 'replace') return (operation.document.updated_at as BsonDate).ms;
  return undefined;
};
const idOf = (operation: StandInOperation): string =>
  (operation.op === 'insert' || operation.op === 'replace' ? (operation.document._id as ObjectId) : ((operation as { id: ObjectId }).id)).hex;

describe('the rehearsal order load', () => {
  it('starts with inserts, then mixes inserts, updates, replaces and deletes of realistic orders', () => {
    const { operations, state } = plan(500);
    expect(operations.slice(0, 20).every((operation) => operation.op === 'insert')).toBe(true);
    const counts = Object.fromEntries(['insert', 'update', 'replace', 'delete'].map((op) => [op, operations.filter((operation) => operation.op === op).length]));
    expect(counts).toEqual(state.counts);
    for (const op of ['update', 'replace', 'delete']) expect(counts[op]).toBeGreaterThan(20);
    const insert = operations[0] as Extract<StandInOperation, { op: 'insert' }>;
    expect(insert.document).toMatchObject({ status: 'new', currency: 'EUR' });
    expect((insert.document.items as unknown[]).length).toBeGreaterThan(0);
  });

  it('updates, replaces and deletes only orders that exist, and never touches a deleted one again', () => {
    const live = new Set<string>();
    for (const operation of plan(500).operations) {
      const id = idOf(operation);
      if (operation.op === 'insert') {
        expect(live.has(id)).toBe(false);
        live.add(id);
      } else expect(live.has(id)).toBe(true);
      if (operation.op === 'delete') live.delete(id);
    }
  });

  it('gives every change its own updated_at millisecond, even when the clock stands still: a row version is named by it', () => {
    const versions = plan(300).operations.map(updatedAt).filter((ms): ms is number => ms !== undefined);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });
});
