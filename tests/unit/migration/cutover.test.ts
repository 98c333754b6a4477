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

  it('tells ghost rows apart only where the source starts with a snapshot (not on the stand-in, whose sources cannot)', () => {
    expect(cutoverTarget(productionWith('stream'), orders).snapshots).toBe(true);
    const standIn = loadEnvironment('local-standin');
    expect(cutoverTarget({ ...standIn, collections: { ...standIn.collections, orders: { ...standIn.collections.orders!, phase: 'stream' } } }, orders).snapshots).toBe(false);
    const result = { phase: 'stream' as const, collection: 'orders', sink: 'orders-sink', config: {}, table: 'orders', shadow: 'orders_shadow', snapshots: false, replayedTo: new Map() };
    expect(formatCutoverText(result, standIn)).toContain('not checked: the source takes no snapshot (snapshot.mode=no_data)');
  });

  it('after a rollback to shadow, replays into the shadow table', () => {
    const target = cutoverTarget(productionWith('shadow'), orders);
    expect(target.phase).toBe('shadow');
    expect(target.config['collection.name.format']).toBe(`${orders.table}_shadow`);
    expect(target.table).toMatch(/orders_shadow$/);
  });

  it.each(['trigger', 'decommissioned'] as const)('refuses a collection in %s, saying why', (phase) => {
    expect(() => cutoverTarget(productionWith(phase), orders)).toThrow(
      `production: collections.orders.phase is '${phase}', not 'stream' (or 'shadow' after a rollback): no sink of the stream path to replay; see cdcctl migrate transition --env production --collection orders --to stream`,
    );
  });

  it('says where the replay got and that the trigger may be disabled now, through the atlas stack where there is one', () => {
    const result = { phase: 'stream' as const, collection: 'orders', sink: 'orders-sink', config: {}, table: 'orders', shadow: 'orders_shadow', snapshots: true, replayedTo: new Map([['cdc.app_db.orders/0', 42]]) };
    expect(formatCutoverText(result, productionWith('stream'))).toBe(
      'orders-sink replayed orders from the earliest offset past where it had got (cdc.app_db.orders/0@42): the stream path has taken over.\n' +
        'Ghost rows (documents deleted before the stream path started whose trigger delete failed) not checked: give --database-url or DATABASE_URL.\n' +
        'Now disable the trigger: npx cdktf deploy atlas-production\n',
    );
    expect(formatCutoverText({ ...result, ghostsRemoved: ['"a"', '"b"'] }, productionWith('stream'))).toContain('\n2 ghost rows removed (documents deleted before the stream path started whose trigger delete failed).\n');
    expect(formatCutoverText({ ...result, replayedTo: new Map() }, loadEnvironment('local'))).toBe(
      'orders-sink replayed orders from the earliest offset past where it had got (nothing committed before): the stream path has taken over.\n' +
        'Ghost rows (documents deleted before the stream path started whose trigger delete failed) not checked: give --database-url or DATABASE_URL.\n' +
        'Now disable the trigger: by hand in Atlas (no atlas stack in local)\n',
    );
  });

  it('after a rollback to shadow, says the shadow is whole again and to validate, not to disable anything', () => {
    const result = { phase: 'shadow' as const, collection: 'orders', sink: 'orders-sink', config: {}, table: 'orders_shadow', shadow: 'orders_shadow', snapshots: true, replayedTo: new Map([['cdc.app_db.orders/0', 42]]) };
    expect(formatCutoverText(result, productionWith('shadow'))).toBe(
      'orders-sink replayed orders_shadow from the earliest offset past where it had got (cdc.app_db.orders/0@42): the shadow table holds every change again.\nCompare now: npx cdcctl migrate validate --env production --collection orders\n',
    );
  });
});
