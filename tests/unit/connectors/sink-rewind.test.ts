import { readFrom } from '../../../connectors/connect/sink-rewind';

describe("the cut-over waits only for the topics the sink reads", () => {
  const positions = new Map([
    ['cdc.app_db.orders/0', 2_734],
    ['cdc.app_db.orders/1', 2_642],
    // Left in the sink's consumer group by a topic it no longer reads: the replay would never pass it.
    ['cdc-old.app_db.orders/0', 2_772],
    ['cdc.app_db.orders_v2/0', 12],
  ]);

  it('keeps the partitions of the topics in `topics`, a topic name containing a slash-free prefix of another kept apart', () => {
    expect(readFrom(positions, { topics: 'cdc.app_db.orders' })).toEqual(new Map([['cdc.app_db.orders/0', 2_734], ['cdc.app_db.orders/1', 2_642]]));
    expect([...readFrom(positions, { topics: 'cdc.app_db.orders, cdc.app_db.orders_v2' }).keys()]).toEqual(['cdc.app_db.orders/0', 'cdc.app_db.orders/1', 'cdc.app_db.orders_v2/0']);
  });

  it('keeps every position with topics.regex (what it matches is the worker\'s to say)', () => {
    expect(readFrom(positions, { 'topics.regex': 'cdc\\..*' })).toEqual(positions);
  });
});
