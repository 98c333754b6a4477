import { contractChanges, hasBreaking, isWidening, type PipelineContractState } from '../../../../connectors/contracts/compatibility';
import type { ContractField } from '../../../../connectors/contracts/types';

const state = (columns: Record<string, ContractField>, lines?: PipelineContractState['contract']['lines']): Record<string, PipelineContractState> => ({
  orders: { table: 'orders', excludeFields: [], contract: { columns, ...(lines ? { lines } : {}) } },
});
const total: ContractField = { path: 'total', type: 'numeric(12,2)' };
const classes = (before: Record<string, PipelineContractState>, after: Record<string, PipelineContractState>) =>
  contractChanges(before, after).map((change) => `${change.kind} ${change.column ?? ''} ${change.compatibility}`.replace('  ', ' '));

describe('contract changes are compatible or breaking', () => {
  it('a new nullable column is compatible; a new not-null column tightens nullability: breaking', () => {
    expect(classes(state({ total }), state({ total, coupon: { path: 'coupon', type: 'text' } }))).toEqual(['column-added coupon compatible']);
    expect(classes(state({ total }), state({ total, coupon: { path: 'coupon', type: 'text', nullable: false } }))).toEqual(['column-added coupon breaking']);
  });

  it('a dropped column is breaking, and so is a renamed one (same path, another name)', () => {
    expect(classes(state({ total }), state({}))).toEqual(['column-dropped total breaking']);
    expect(classes(state({ total }), state({ amount: total }))).toEqual(['column-renamed amount breaking']);
  });

  it('a wider type is compatible, a narrowed or other type breaking', () => {
    expect(classes(state({ total }), state({ total: { path: 'total', type: 'numeric(14,2)' } }))).toEqual(['type-changed total compatible']);
    expect(classes(state({ total }), state({ total: { path: 'total', type: 'numeric(10,2)' } }))).toEqual(['type-changed total breaking']);
    expect(classes(state({ total }), state({ total: { path: 'total', type: 'text' } }))).toEqual(['type-changed total breaking']);
  });

  it('tightened nullability is breaking, loosened compatible; a changed path is breaking', () => {
    expect(classes(state({ total }), state({ total: { ...total, nullable: false } }))).toEqual(['nullability-changed total breaking']);
    expect(classes(state({ total: { ...total, nullable: false } }), state({ total }))).toEqual(['nullability-changed total compatible']);
    expect(classes(state({ total }), state({ total: { ...total, path: 'amount.total' } }))).toEqual(['path-changed total breaking']);
  });

  it('line items: added compatible, dropped breaking, their columns by the same rules, another storage compatible', () => {
    const lines = { path: 'items', name: 'items', columns: { sku: { path: 'sku', type: 'text' as const } } };
    expect(classes(state({}), state({}, lines))).toEqual(['lines-added compatible']);
    expect(classes(state({}, lines), state({}))).toEqual(['lines-dropped breaking']);
    expect(classes(state({}, lines), state({}, { ...lines, columns: {} }))).toEqual(['column-dropped items.sku breaking']);
    expect(classes(state({}, lines), state({}, { ...lines, storage: 'table' }))).toEqual(['lines-changed compatible']);
  });

  it('a new pipeline is compatible, a removed one breaking; hasBreaking sees any breaking change', () => {
    expect(classes({}, state({ total }))).toEqual(['pipeline-added compatible']);
    expect(classes(state({ total }), {})).toEqual(['pipeline-removed breaking']);
    expect(hasBreaking(contractChanges(state({ total }), state({})))).toBe(true);
    expect(hasBreaking(contractChanges(state({ total }), state({ total })))).toBe(false);
  });

  it.each([
    ['integer', 'bigint', true],
    ['integer', 'numeric(12,2)', true],
    ['integer', 'double', true],
    ['bigint', 'integer', false],
    ['bigint', 'numeric(18,0)', false],
    ['bigint', 'numeric(19,0)', true],
    ['numeric(12,2)', 'numeric(14,3)', true],
    ['numeric(12,2)', 'numeric(12,1)', false],
    ['numeric(12,2)', 'numeric', true],
    ['numeric', 'numeric(38,10)', false],
    ['double', 'numeric', true],
    ['bigint', 'double', false],
    ['text', 'objectid', true],
    ['objectid', 'text', false],
    ['text', 'jsonb', false],
  ] as const)('%s → %s widens: %s', (from, to, expected) => {
    expect(isWidening(from, to)).toBe(expected);
  });
});
