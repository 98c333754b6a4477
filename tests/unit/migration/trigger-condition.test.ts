import { anyOf, cursorPipelineFor, projectionToExcludedFields, triggerCondition } from '../../../migration/trigger-condition';

describe('trigger filters as change-stream conditions', () => {
  it('filters operation types only when the trigger did', () => {
    expect(triggerCondition({ operationTypes: ['INSERT', 'UPDATE', 'REPLACE', 'DELETE'] }).value).toBeUndefined();
    expect(triggerCondition({ operationTypes: ['INSERT'] }).value).toEqual({ operationType: { $in: ['insert'] } });
  });

  it('lists server-side JavaScript in match as not carried over', () => {
    const translated = triggerCondition({ operationTypes: ['INSERT'], match: { $where: 'this.a > 1' } });
    expect(translated.value).toEqual({ operationType: { $in: ['insert'] } });
    expect(translated.unexpressed.join()).toMatch(/\$where/);
  });

  it('captures what any trigger of a collection reacted to', () => {
    expect(anyOf([{ a: 1 }, undefined])).toBeUndefined();
    expect(anyOf([{ a: 1 }, { a: 1 }])).toEqual({ a: 1 });
    expect(anyOf([{ a: 1 }, { b: 2 }])).toEqual({ $or: [{ a: 1 }, { b: 2 }] });
  });

  it('lets unfiltered collections of the same source through', () => {
    expect(cursorPipelineFor([{ collection: 'orders' }])).toBeUndefined();
    expect(cursorPipelineFor([{ collection: 'orders' }, { collection: 'payments', condition: { x: 1 } }])).toEqual([
      { $match: { $or: [{ 'ns.coll': { $nin: ['payments'] } }, { $and: [{ 'ns.coll': 'payments' }, { x: 1 }] }] } },
    ]);
  });

  it('maps exclusion projections of top-level fields and lists the rest', () => {
    const translated = projectionToExcludedFields({ 'fullDocument.secret': 0, 'fullDocument.a.b': 0, 'fullDocument.name': 1, operationType: 1, total: { $sum: 1 } });
    expect(translated.value).toEqual(['secret']);
    expect(translated.unexpressed).toHaveLength(4);
  });
});
