import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STANDIN_CONNECTION_STRING_ENV } from '../../../config';
import { Binary, BsonDate, Decimal128, Double, Int64, ObjectId } from '../../../connectors/contracts/bson';
import { DEFAULT_PORTS, PORT_FLAGS, resolveRuntimeOptions, runtimeLayout, SERVICES } from '../../../local/options';
import { status } from '../../../local/runtime';
import { orderId, sampleChanges } from '../../../local/sample-data';
import { operationLine, standInOperations, standInServeCommand, standInWorkerEnvironment, STANDIN_NOTE } from '../../../local/standin-writer';
import { emptyState, writeState } from '../../../local/state';
import { formatStatusText } from '../../../cli/commands/local';

describe('writes to the stand-in', () => {
  it('are canonical extended JSON lines the Java writer reads into the same BSON types (UUIDs included)', () => {
    const document = {
      _id: new ObjectId('65f1a2b3c4d5e6f708192a3b'),
      price: new Decimal128('19.99'),
      ratio: new Double(49),
      count: 3,
      big: new Int64(9007199254740993n),
      at: new BsonDate(1767603600123),
      uuid: Binary.uuid('123e4567-e89b-12d3-a456-426614174000'),
      tags: ['a'],
    };
    const line = operationLine({ op: 'insert', database: 'app_db', collection: 'orders', document });
    expect(JSON.parse(line).document).toEqual({
      _id: { $oid: '65f1a2b3c4d5e6f708192a3b' },
      price: { $numberDecimal: '19.99' },
      ratio: { $numberDouble: '49.0' },
      count: { $numberInt: '3' },
      big: { $numberLong: '9007199254740993' },
      at: { $date: { $numberLong: '1767603600123' } },
      uuid: { $binary: { base64: 'Ej5FZ+ibEtOkVkJmFBdAAA==', subType: '04' } },
      tags: ['a'],
    });
  });

  it('carry an update as $set fields by _id, and a delete by _id', () => {
    expect(JSON.parse(operationLine({ op: 'update', database: 'd', collection: 'c', id: 'x', set: { status: 'paid' } }))).toEqual({ op: 'update', database: 'd', collection: 'c', id: 'x', set: { status: 'paid' } });
    expect(JSON.parse(operationLine({ op: 'delete', database: 'd', collection: 'c', id: new ObjectId('65f1a2b3c4d5e6f708192a3b') })).id).toEqual({ $oid: '65f1a2b3c4d5e6f708192a3b' });
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
    expect(operations[update]).toEqual({ op: 'update', database: 'db_orders', collection: 'orders', id: orderId(3), set: expect.objectContaining({ status: 'paid' }) });
    expect(operations.at(-1)).toEqual({ op: 'delete', database: 'db_orders', collection: 'orders', id: orderId(10) });
  });
});

describe('the stand-in as a service of the local runtime', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-standin-'));
  });
  afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it('starts after the Kafka nodes and before Connect, on port 27018 by default, set with --mongodb-port', () => {
    expect(SERVICES.indexOf('mongodb')).toBeGreaterThan(SERVICES.indexOf('kafka-3'));
    expect(SERVICES.indexOf('mongodb')).toBeLessThan(SERVICES.indexOf('connect'));
    expect(DEFAULT_PORTS.mongodb).toBe(27018);
    expect(PORT_FLAGS.mongodb).toBe('--mongodb-port');
    expect(() => resolveRuntimeOptions({ ports: { mongodb: 9092 } })).toThrow('ports.kafka and ports.mongodb are all set to 9092');
  });

  it('runs the launcher from the runtime dir, serving on the given port', () => {
    const layout = runtimeLayout({ stateDir, runtimeDir: '/r' });
    const command = standInServeCommand(layout, { port: 27555, oplogRetentionSeconds: 60 });
    expect(command.args).toEqual(expect.arrayContaining(['-cp', '/r/standin/lib/*', 'mongocdc.standin.MongoStandIn', 'serve', '--port', '27555', '--oplog-retention-seconds', '60']));
    expect(command.args).not.toContain('--oplog');
  });

  it("serves mongo-java-server's own oplog only when asked (the oplog bench's baseline)", () => {
    const layout = runtimeLayout({ stateDir, runtimeDir: '/r' });
    const args = standInServeCommand(layout, { port: 27555, oplog: 'mongo-java-server' }).args;
    expect(args.slice(args.indexOf('serve'))).toEqual(['serve', '--port', '27555', '--oplog', 'mongo-java-server']);
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
