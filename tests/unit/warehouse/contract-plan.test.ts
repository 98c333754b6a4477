import { contractPlanSection } from '../../../warehouse/contract-plan';
import type { PendingChanges } from '../../../warehouse/schema-migration';

const none: PendingChanges = { contract: [], regenerated: [], sharedChanged: false, viewsChanged: false };
const compatible = { pipeline: 'orders', kind: 'column-added', column: 'coupon', compatibility: 'compatible', description: 'coupon added (text, nullable from coupon)' } as const;
const breaking = { pipeline: 'orders', kind: 'column-dropped', column: 'currency', compatibility: 'breaking', description: 'currency (text from currency) dropped: queries naming it break' } as const;

describe('the Contract changes section of connectors plan', () => {
  it('says nothing is pending when the migrations implement the contracts', () => {
    expect(contractPlanSection(none, '004_document_contracts', 'text')).toEqual({ text: 'Contract changes\n  none pending: the warehouse migrations implement the contracts (up to 004_document_contracts)', refuse: false });
  });

  it('shows a compatible change without its migration, and does not refuse it', () => {
    const section = contractPlanSection({ ...none, contract: [compatible] }, '004', 'text');
    expect(section.refuse).toBe(false);
    expect(section.text.split('\n')).toEqual(['Contract changes', '  compatible orders: coupon added (text, nullable from coupon)', '  no warehouse migration yet: cdcctl schema migration --name … writes it']);
  });

  it('refuses a breaking change that comes without its migration', () => {
    const section = contractPlanSection({ ...none, contract: [compatible, breaking] }, '004', 'markdown');
    expect(section.refuse).toBe(true);
    expect(section.text).toContain('- **breaking** `orders`: currency (text from currency) dropped: queries naming it break');
    expect(section.text).toContain('refused: a breaking contract change needs its warehouse migration');
  });
});
