import { loadEnvironment, type Environment, type MigrationPhase } from '../../../config';
import { orders } from '../../../connectors/pipelines/orders';
import { cutoverTarget } from '../../../migration/cutover';
import { formatCutoverText } from '../../../cli/commands/migrate';

function productionWith(phase: MigrationPhase): Environment {
  const production = loadEnvironment('production');
  return { ...production, collections: { ...production.collections, orders: { ...production.collections.orders!, phase } } };
}

describe('migrate cutover: which sink, with which config', () => {
  it("takes the collection's sink as the stream phase renders it: writing the production table", () => {
    const target = cutoverTarget(productionWith('stream'), orders);
    expect(target.sink).toMatch(/orders/);
    expect(target.config['collection.name.format']).toBe(orders.table);
    expect(target.table).toMatch(/orders$/);
  });

  it("refuses a collection not yet in stream, saying what to do first", () => {
    expect(() => cutoverTarget(productionWith('shadow'), orders)).toThrow(
      "production: collections.orders.phase is 'shadow', not 'stream': set it to 'stream' and apply the connectors first (cdcctl migrate transition --env production --collection orders --to stream)",
    );
  });

  it('says where the replay got and that the trigger may be disabled now, through the atlas stack where there is one', () => {
    const result = { sink: 'orders-sink', config: {}, table: 'orders', replayedTo: new Map([['cdc.app_db.orders/0', 42]]) };
    expect(formatCutoverText(result, productionWith('stream'))).toBe(
      'orders-sink replayed orders from the earliest offset past where it had got (cdc.app_db.orders/0@42): the stream path has taken over.\nNow disable the trigger: npx cdktf deploy atlas-production\n',
    );
    expect(formatCutoverText({ ...result, replayedTo: new Map() }, loadEnvironment('local'))).toBe(
      'orders-sink replayed orders from the earliest offset past where it had got (nothing committed before): the stream path has taken over.\nNow disable the trigger: by hand in Atlas (no atlas stack in local)\n',
    );
  });
});
