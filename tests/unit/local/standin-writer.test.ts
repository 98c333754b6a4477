import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STANDIN_CONNECTION_STRING_ENV } from '../../../config';
import { Double } from '../../../local/debezium-events';
import { DEFAULT_PORTS, PORT_FLAGS, resolveRuntimeOptions, runtimeLayout, SERVICES } from '../../../local/options';
import { status } from '../../../local/runtime';
import { sampleChanges } from '../../../local/sample-data';
import { operationLine, standInOperations, standInServeCommand, standInWorkerEnvironment, STANDIN_NOTE } from '../../../local/standin-writer';
import { emptyState, writeState } from '../../../local/state';
import { formatStatusText } from '../../../cli/commands/local';

describe('writes to the stand-in', () => {
  it('are extended JSON lines the Java writer reads: dates stay dates, doubles doubles', () => {
    const line = operationLine({ op: 'insert', database: 'app_db', collection: 'orders', document: { _id: 'o-1', unit_price: new Double(49), at: new Date('2026-01-05T09:00:00Z'), tags: ['a'] } });
    expect(line).toBe('{"op": "insert", "database": "app_db", "collection": "orders", "document": {"_id": "o-1", "unit_price": 49.0, "at": {"$date": "2026-01-05T09:00:00.000Z"}, "tags": ["a"]}}');
    expect(JSON.parse(line).document.at).toEqual({ $date: '2026-01-05T09:00:00.000Z' });
  });

  it('carry an update as $set fields by _id, and a delete by _id', () => {
    expect(JSON.parse(operationLine({ op: 'update', database: 'd', collection: 'c', id: 'x', set: { status: 'paid' } }))).toEqual({ op: 'update', database: 'd', collection: 'c', id: 'x', set: { status: 'paid' } });
    expect(JSON.parse(operationLine({ op: 'delete', database: 'd', collection: 'c', id: 'x' }))).toEqual({ op: 'delete', database: 'd', collection: 'c', id: 'x' });
    expect(JSON.parse(operationLine({ op: 'dropDatabase', database: 'd' }))).toEqual({ op: 'dropDatabase', database: 'd' });
  });

  it('turn the sample day into inserts, updates, a replace and deletes, in order, one per change', () => {
    const changes = sampleChanges({ customers: 3, orders: 12 });
    const operations = standInOperations(changes, (collection) => `db_${collection}`);
    expect(operations).toHaveLength(changes.length);
    expect(new Set(operations.map((operation) => operation.op))).toEqual(new Set(['insert', 'update', 'replace', 'delete']));
    expect(operations[0]).toMatchObject({ op: 'insert', database: 'db_customers', collection: 'customers' });
    const update = changes.findIndex((change) => change.operation.kind === 'update');
    expect(operations[update]).toEqual({ op: 'update', database: 'db_orders', collection: 'orders', id: 'o-000003', set: expect.objectContaining({ status: 'paid' }) });
    expect(operations.at(-1)).toEqual({ op: 'delete', database: 'db_orders', collection: 'orders', id: 'o-000010' });
  });
});

describe('the stand-in as a service of the local runtime', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-standin-'));
  });
  afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it('starts after Kafka and before Connect, on port 27018 by default, set with --mongodb-port', () => {
    expect(SERVICES.indexOf('mongodb')).toBe(SERVICES.indexOf('kafka') + 1);
    expect(SERVICES.indexOf('mongodb')).toBeLessThan(SERVICES.indexOf('connect'));
    expect(DEFAULT_PORTS.mongodb).toBe(27018);
    expect(PORT_FLAGS.mongodb).toBe('--mongodb-port');
    expect(() => resolveRuntimeOptions({ ports: { mongodb: 9092 } })).toThrow('ports.kafka and ports.mongodb are all set to 9092');
  });

  it('runs the launcher from the runtime dir, serving on the given port', () => {
    const layout = runtimeLayout({ stateDir, runtimeDir: '/r' });
    const command = standInServeCommand(layout, { port: 27555, oplogRetentionSeconds: 60 });
    expect(command.args).toEqual(expect.arrayContaining(['-cp', '/r/standin/lib/*', 'mongocdc.standin.MongoStandIn', 'serve', '--port', '27555', '--oplog-retention-seconds', '60']));
  });

  it("gives the Connect worker the stand-in's connection string to resolve the placeholder", () => {
    expect(standInWorkerEnvironment(27555)).toEqual({ [STANDIN_CONNECTION_STRING_ENV]: 'mongodb://127.0.0.1:27555' });
  });

  it('is shown in status as a stand-in, not as MongoDB', () => {
    writeState(path.join(stateDir, 'state.json'), emptyState({ ...DEFAULT_PORTS, mongodb: 27666 }, '/r'));
    const runtime = status({ stateDir });
    expect(runtime.services.mongodb).toMatchObject({ state: 'stopped', url: 'mongodb://127.0.0.1:27666', note: STANDIN_NOTE });
    expect(STANDIN_NOTE).toMatch(/stand-in: mongo-java-server \d+\.\d+\.\d+, in memory, not MongoDB/);
    // picocolors colours output whenever CI is set: compare the text without its escape codes.
    expect(formatStatusText(runtime).replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/mongodb +stopped +mongodb:\/\/127\.0\.0\.1:27666 +stand-in: mongo-java-server/);
  });

  it('takes the resolved port when a state file predates the stand-in', () => {
    const { mongodb: _absent, ...oldPorts } = DEFAULT_PORTS;
    fs.writeFileSync(path.join(stateDir, 'state.json'), JSON.stringify({ ...emptyState(DEFAULT_PORTS, '/r'), ports: oldPorts }));
    expect(status({ stateDir, ports: { mongodb: 27777 } }).services.mongodb.url).toBe('mongodb://127.0.0.1:27777');
  });
});
