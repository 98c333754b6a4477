import type { OffsetEntry, OffsetsSnapshot } from '../../../../connectors/connect/offsets-snapshot';
import type { ConnectClient, ConnectorStatus, LiveConnector } from '../../../../connectors/connect/client';
import { ConnectError } from '../../../../connectors/connect/errors';
import { canonical, checkRestore, offsetsNotMatching, OffsetsRestoreRefused, parseOffsetsSnapshot, restoreOffsets, stateAfterRestore, supportsOffsetChanges, type RestoreOptions } from '../../../../connectors/connect/offsets-restore';

const JDBC = 'io.debezium.connector.jdbc.JdbcSinkConnector';
const DEBEZIUM_MONGODB = 'io.debezium.connector.mongodb.MongoDbConnector';

function sink(name: string, topics: string, state: 'RUNNING' | 'PAUSED' | 'STOPPED' = 'RUNNING'): LiveConnector {
  return {
    name,
    config: { 'connector.class': JDBC, topics, 'connection.password': '${env:X}' },
    taskCount: 1,
    status: { name, connector: { state }, tasks: state === 'STOPPED' ? [] : [{ id: 0, state }], type: 'sink' },
  };
}

function source(name: string, topicPrefix: string): LiveConnector {
  return { name, config: { 'connector.class': DEBEZIUM_MONGODB, 'topic.prefix': topicPrefix }, taskCount: 1, status: { name, connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }], type: 'source' } };
}

const sinkOffsets = (topic: string, ...offsets: number[]) => offsets.map((offset, partition) => ({ partition: { kafka_topic: topic, kafka_partition: partition }, offset: { kafka_offset: offset } }));

function snapshot(connectors: OffsetsSnapshot['connectors']): OffsetsSnapshot {
  return { takenAt: '2026-01-05T09:00:00.000Z', worker: 'http://connect:8083', connectors };
}

describe('checkRestore: what may be restored, decided before any write', () => {
  it('accepts a sink snapshot whose topics the live connector consumes', () => {
    const check = checkRestore(snapshot({ 'cdc-orders-sink': { config: { 'connector.class': JDBC }, offsets: sinkOffsets('cdc.app_db.orders', 10, 20) } }), [sink('cdc-orders-sink', 'cdc.app_db.orders')]);
    expect(check.problems).toEqual([]);
    expect(check.targets).toEqual([{ connector: 'cdc-orders-sink', kind: 'sink', offsets: sinkOffsets('cdc.app_db.orders', 10, 20), liveState: 'RUNNING' }]);
  });

  it('refuses, all at once, an absent connector and a different connector.class', () => {
    const check = checkRestore(
      snapshot({
        'cdc-gone-sink': { config: { 'connector.class': JDBC }, offsets: sinkOffsets('t', 1) },
        'cdc-orders-sink': { config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector' }, offsets: sinkOffsets('cdc.app_db.orders', 1) },
      }),
      [sink('cdc-orders-sink', 'cdc.app_db.orders')],
    );
    expect(check.targets).toEqual([]);
    expect(check.problems).toEqual([
      'cdc-gone-sink: no such connector on the worker: create it first (cdcctl connectors apply), then restore its offsets',
      'cdc-orders-sink: connector.class: the snapshot was taken from "com.mongodb.kafka.connect.MongoSinkConnector", the live connector is "io.debezium.connector.jdbc.JdbcSinkConnector"',
    ]);
  });

  it('refuses sink partitions of a topic the connector does not consume, and partitions of the wrong kind', () => {
    const offsets = [...sinkOffsets('cdc.app_db.customers', 5), { partition: { server_id: 'cdc' }, offset: { sec: 1 } }, { partition: { kafka_topic: 'cdc.app_db.orders', kafka_partition: -1 }, offset: { kafka_offset: 'x' } }];
    const check = checkRestore(snapshot({ 'cdc-orders-sink': { config: { 'connector.class': JDBC }, offsets } }), [sink('cdc-orders-sink', 'cdc.app_db.orders')]);
    expect(check.targets).toEqual([]);
    expect(check.problems).toEqual([
      'cdc-orders-sink: offsets[0].partition.kafka_topic: the live connector does not consume this topic (got "cdc.app_db.customers"; it consumes "cdc.app_db.orders")',
      'cdc-orders-sink: offsets[1].partition: a sink connector\'s partition is {kafka_topic, kafka_partition} (got {"server_id":"cdc"})',
      'cdc-orders-sink: offsets[2].partition.kafka_partition: must be a whole number ≥ 0 (got -1)',
      'cdc-orders-sink: offsets[2].offset: a sink connector\'s offset is {kafka_offset: <whole number>} or null (got {"kafka_offset":"x"})',
    ]);
  });

  it('matches sink topics against topics.regex too', () => {
    const live: LiveConnector = { ...sink('cdc-all-sink', ''), config: { 'connector.class': JDBC, 'topics.regex': 'cdc\\.app_db\\..*' } };
    const check = checkRestore(snapshot({ 'cdc-all-sink': { config: { 'connector.class': JDBC }, offsets: sinkOffsets('cdc.app_db.orders', 3) } }), [live]);
    expect(check.problems).toEqual([]);
  });

  describe('a topics.regex JavaScript cannot evaluate as Java would, or quickly', () => {
    const withRegex = (regex: string): LiveConnector => ({ ...sink('cdc-all-sink', ''), config: { 'connector.class': JDBC, 'topics.regex': regex } });
    const check = (regex: string, topic: string) => checkRestore(snapshot({ 'cdc-all-sink': { config: { 'connector.class': JDBC }, offsets: sinkOffsets(topic, 3) } }), [withRegex(regex)]);

    it.each([
      ['(?i)cdc\\.app_db\\..*', 'the group (?i)… is Java-only'],
      ['cdc\\.app_db\\.\\p{Lower}++', 'the escape \\p means something else in Java than in JavaScript'],
      ['\\Qcdc.app_db\\E.*', 'the escape \\Q'],
      ['cdc[a-z&&[^x]]*', 'a class intersection (&&) is Java-only'],
    ])('refuses the Java-only %s with the reason, instead of crashing on Invalid regular expression', (regex, reason) => {
      const result = check(regex, 'cdc.app_db.orders');
      expect(result.targets).toEqual([]);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toContain('cdc-all-sink: offsets[0].partition.kafka_topic: cannot tell whether the live connector consumes "cdc.app_db.orders"');
      expect(result.problems[0]).toContain(reason);
    });

    it('refuses (a+)+ against a 41-character topic at once (it took 118 s), naming the nested quantifier', () => {
      const result = check('(a+)+', `${'a'.repeat(40)}!`);
      expect(result.problems[0]).toMatch(/holds a quantifier itself \(as in \(a\+\)\+\): exponential backtracking/);
    });

    it('gives up on a pattern past the time budget, and says so', () => {
      const result = check('(a|aa)+', `${'a'.repeat(80)}!`);
      expect(result.problems[0]).toMatch(/did not finish matching within 100 ms/);
    });
  });

  it('refuses a Debezium source snapshot keyed by another topic.prefix, or shaped like a sink’s', () => {
    const offsets = [{ partition: { server_id: 'other' }, offset: { sec: 1, ord: 2 } }, ...sinkOffsets('cdc.app_db.orders', 1)];
    const check = checkRestore(snapshot({ 'cdc-app-db-source': { config: { 'connector.class': DEBEZIUM_MONGODB }, offsets } }), [source('cdc-app-db-source', 'cdc')]);
    expect(check.problems).toEqual([
      'cdc-app-db-source: offsets[0].partition.server_id: Debezium keys its offsets by topic.prefix, which is "cdc" live (got "other")',
      'cdc-app-db-source: offsets[1].partition: this is a sink connector\'s partition, the live connector is a source (got {"kafka_topic":"cdc.app_db.orders","kafka_partition":0})',
    ]);
  });

  it('accepts a Debezium source snapshot keyed by the live topic.prefix', () => {
    const check = checkRestore(snapshot({ 'cdc-app-db-source': { config: { 'connector.class': DEBEZIUM_MONGODB }, offsets: [{ partition: { server_id: 'cdc' }, offset: { sec: 1, ord: 2 } }] } }), [source('cdc-app-db-source', 'cdc')]);
    expect(check.problems).toEqual([]);
    expect(check.targets.map((target) => target.kind)).toEqual(['source']);
  });

  it('restores only the connectors asked for, and names one the snapshot lacks', () => {
    const saved = snapshot({ 'cdc-orders-sink': { config: { 'connector.class': JDBC }, offsets: sinkOffsets('cdc.app_db.orders', 1) }, 'cdc-customers-sink': { config: { 'connector.class': JDBC }, offsets: sinkOffsets('cdc.app_db.customers', 1) } });
    const live = [sink('cdc-orders-sink', 'cdc.app_db.orders'), sink('cdc-customers-sink', 'cdc.app_db.customers')];
    expect(checkRestore(saved, live, { connectors: ['cdc-orders-sink'] }).targets.map((target) => target.connector)).toEqual(['cdc-orders-sink']);
    expect(checkRestore(saved, live, { connectors: ['cdc-other-sink'] }).problems).toEqual(['cdc-other-sink: not in the snapshot (it holds: cdc-customers-sink, cdc-orders-sink)']);
  });

  it('leaves a connector with no offsets in the snapshot alone, and says so', () => {
    const check = checkRestore(snapshot({ 'cdc-orders-sink': { config: { 'connector.class': JDBC }, offsets: [] } }), [sink('cdc-orders-sink', 'cdc.app_db.orders')]);
    expect(check).toEqual({ targets: [], problems: [], notes: ['cdc-orders-sink: the snapshot holds no offsets (none were committed when it was taken): left as it is'] });
  });
});

describe('snapshot files', () => {
  it('parse the shape apply and offsets export write (configs masked)', () => {
    const json = snapshot({ 'cdc-orders-sink': { config: { 'connector.class': JDBC, 'connection.password': '****' }, offsets: sinkOffsets('t', 4) } });
    expect(parseOffsetsSnapshot(JSON.parse(JSON.stringify(json)), 'snap.json')).toEqual(json);
  });

  it('name every problem with its path in the file', () => {
    const error = (() => {
      try {
        parseOffsetsSnapshot({ takenAt: 1, connectors: { x: { offsets: 'none' } } }, 'snap.json');
      } catch (caught) {
        return caught as OffsetsRestoreRefused;
      }
    })();
    expect(error).toBeInstanceOf(OffsetsRestoreRefused);
    expect(error!.problems.some((problem) => problem.startsWith('snap.json: takenAt:'))).toBe(true);
    expect(error!.problems.some((problem) => problem.startsWith('snap.json: worker:'))).toBe(true);
    expect(error!.problems.some((problem) => problem.startsWith('snap.json: connectors.x.offsets:'))).toBe(true);
  });
});

describe('restore helpers', () => {
  it('offset changes need Kafka 3.6 or later', () => {
    expect(['3.5.2', '2.8.0', '3.0.0'].map(supportsOffsetChanges)).toEqual([false, false, false]);
    expect(['3.6.0', '3.9.1', '4.1.1', '4.0.0-SNAPSHOT'].map(supportsOffsetChanges)).toEqual([true, true, true, true]);
  });

  it('compares partitions whatever the key order, and a null offset must be gone', () => {
    expect(canonical({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    const wanted = [{ partition: { kafka_topic: 't', kafka_partition: 0 }, offset: { kafka_offset: 5 } }, { partition: { kafka_topic: 't', kafka_partition: 1 }, offset: null }];
    expect(offsetsNotMatching(wanted, [{ partition: { kafka_partition: 0, kafka_topic: 't' }, offset: { kafka_offset: 5 } }])).toEqual([]);
    expect(offsetsNotMatching(wanted, [{ partition: { kafka_partition: 0, kafka_topic: 't' }, offset: { kafka_offset: 6 } }, { partition: { kafka_partition: 1, kafka_topic: 't' }, offset: { kafka_offset: 1 } }])).toEqual(wanted);
  });

  it('ends in the state the config wants, else the state it was in', () => {
    const target = { connector: 'c', kind: 'sink' as const, offsets: [], liveState: 'PAUSED' as const };
    expect(stateAfterRestore(target, new Map([['c', 'STOPPED' as const]]))).toBe('STOPPED');
    expect(stateAfterRestore(target, new Map())).toBe('PAUSED');
    expect(stateAfterRestore({ ...target, liveState: 'FAILED' }, undefined)).toBe('RUNNING');
  });
});
/**
 * restoreOffsets' steps against an in-memory stand-in of a worker (the client's interface over a map
 * of connectors and their offsets; the REST calls themselves are tests/unit/connectors/connect/client.test.ts's).
 * The stand-in records every call, and can be told to refuse the PATCH, to write other offsets than
 * asked, to never reach a state, or to fail a task when resumed.
 */
type State = ConnectorStatus['connector']['state'];

interface StandInWorker {
  readonly client: ConnectClient;
  readonly calls: string[];
  version: string;
  refusePatch?: Error;
  /** The PATCH writes these offsets instead of the ones asked. */
  writeInstead?: OffsetEntry[];
  /** A stop that never gets there: the connector stays in its state. */
  ignoreStop?: boolean;
  /** The task fails when the connector is resumed. */
  failOnResume?: string;
}

interface StandInConnector {
  readonly topics: string;
  state: State;
  offsets: OffsetEntry[];
}

const entry = (topic: string, partition: number, offset: number | null): OffsetEntry => ({ partition: { kafka_topic: topic, kafka_partition: partition }, offset: offset === null ? null : { kafka_offset: offset } });

function standInWorker(connectors: Record<string, StandInConnector>): StandInWorker {
  const worker: StandInWorker = { calls: [], version: '3.9.1' } as unknown as StandInWorker;
  const statusOf = (name: string): ConnectorStatus => {
    const connector = connectors[name]!;
    const failed = worker.failOnResume !== undefined && connector.state === 'RUNNING';
    return {
      name,
      connector: { state: connector.state, worker_id: '10.0.3.17:8083' },
      tasks: connector.state === 'STOPPED' ? [] : [{ id: 0, state: failed ? 'FAILED' : connector.state, worker_id: '10.0.3.17:8083', ...(failed ? { trace: worker.failOnResume } : {}) }],
      type: 'sink',
    };
  };
  const move = (name: string, state: State) => {
    worker.calls.push(`${state === 'RUNNING' ? 'resume' : state === 'PAUSED' ? 'pause' : 'stop'} ${name}`);
    if (state === 'STOPPED' && worker.ignoreStop) return;
    connectors[name]!.state = state;
  };
  (worker as { client: ConnectClient }).client = {
    url: 'https://kafka-connect.cdc-platform.svc.cluster.local:8083',
    serverInfo: async () => ({ version: worker.version, commit: '0123456789abcdef', kafka_cluster_id: 'lkc-stand-in' }),
    listConnectors: async () => Object.entries(connectors).map(([name, connector]) => ({ name, config: { 'connector.class': JDBC, topics: connector.topics, name }, taskCount: 1, status: statusOf(name) })),
    status: async (name: string) => statusOf(name),
    getOffsets: async (name: string) => {
      worker.calls.push(`get offsets ${name}`);
      return { offsets: connectors[name]!.offsets.map((offset) => ({ ...offset })) };
    },
    patchOffsets: async (name: string, body: { offsets: OffsetEntry[] }) => {
      worker.calls.push(`patch offsets ${name}`);
      if (worker.refusePatch) throw worker.refusePatch;
      const connector = connectors[name]!;
      for (const wanted of worker.writeInstead ?? body.offsets) {
        const same = (candidate: OffsetEntry) => JSON.stringify(candidate.partition) === JSON.stringify(wanted.partition);
        connector.offsets = [...connector.offsets.filter((candidate) => !same(candidate)), ...(wanted.offset === null ? [] : [wanted])];
      }
    },
    stop: async (name: string) => move(name, 'STOPPED'),
    pause: async (name: string) => move(name, 'PAUSED'),
    resume: async (name: string) => move(name, 'RUNNING'),
  } as unknown as ConnectClient;
  return worker;
}

function snapshotOf(connectors: Record<string, OffsetEntry[]>): OffsetsSnapshot {
  return {
    takenAt: '2026-11-30T08:00:00.000Z',
    worker: 'https://kafka-connect.cdc-platform.svc.cluster.local:8083',
    connectors: Object.fromEntries(Object.entries(connectors).map(([name, offsets]) => [name, { config: { 'connector.class': JDBC, 'connection.password': '****' }, offsets }])),
  };
}

const ordersSink = (state: State = 'RUNNING'): StandInConnector => ({ topics: 'cdc.app_db.orders', state, offsets: [entry('cdc.app_db.orders', 0, 1_500), entry('cdc.app_db.orders', 1, 1_480), entry('cdc.app_db.orders', 2, 1_510)] });
const restorePoint = snapshotOf({ 'cdc-orders-sink': [entry('cdc.app_db.orders', 0, 1_200), entry('cdc.app_db.orders', 1, null)] });

async function restore(worker: StandInWorker, snapshot: OffsetsSnapshot, options: RestoreOptions = {}) {
  const progress: string[] = [];
  const result = await restoreOffsets(worker.client, snapshot, { pollIntervalMs: 0, waitTimeoutMs: 1_000, onProgress: (line) => progress.push(line), ...options });
  return { result, progress };
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the restore to fail');
}

describe('restoreOffsets: stop, PATCH, read back, resume', () => {
  it('restores the snapshot partitions of a running sink, deletes a null one, leaves the others, and runs it again', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink() });
    const { result, progress } = await restore(worker, restorePoint);
    expect(worker.calls).toEqual(['get offsets cdc-orders-sink', 'stop cdc-orders-sink', 'patch offsets cdc-orders-sink', 'get offsets cdc-orders-sink', 'resume cdc-orders-sink']);
    expect(result.kafkaVersion).toBe('3.9.1');
    expect(result.restored).toEqual([
      {
        connector: 'cdc-orders-sink',
        kind: 'sink',
        before: [entry('cdc.app_db.orders', 0, 1_500), entry('cdc.app_db.orders', 1, 1_480), entry('cdc.app_db.orders', 2, 1_510)],
        after: [entry('cdc.app_db.orders', 2, 1_510), entry('cdc.app_db.orders', 0, 1_200)],
        untouched: [entry('cdc.app_db.orders', 2, 1_510)],
        finalState: 'RUNNING',
      },
    ]);
    expect(progress).toEqual(['cdc-orders-sink: stopping (offsets can only change while stopped)', 'cdc-orders-sink: 2 partition offsets restored; going to RUNNING']);
  });

  it('puts a paused connector back to PAUSED, and leaves one the config wants stopped STOPPED', async () => {
    const paused = standInWorker({ 'cdc-orders-sink': ordersSink('PAUSED') });
    expect((await restore(paused, restorePoint)).result.restored[0]!.finalState).toBe('PAUSED');
    expect(paused.calls.at(-1)).toBe('pause cdc-orders-sink');

    const toStop = standInWorker({ 'cdc-orders-sink': ordersSink() });
    const { result, progress } = await restore(toStop, restorePoint, { desiredStates: new Map([['cdc-orders-sink', 'STOPPED']]) });
    expect(result.restored[0]!.finalState).toBe('STOPPED');
    expect(toStop.calls.at(-1)).toBe('get offsets cdc-orders-sink');
    expect(progress.at(-1)).toBe('cdc-orders-sink: 2 partition offsets restored; going to STOPPED');
  });

  it('writes nothing on a dry run, and reports a connector without offsets in the snapshot', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink(), 'cdc-customers-sink': { topics: 'cdc.app_db.customers', state: 'RUNNING', offsets: [] } });
    const { result, progress } = await restore(worker, snapshotOf({ 'cdc-orders-sink': [entry('cdc.app_db.orders', 0, 1_200)], 'cdc-customers-sink': [] }), { dryRun: true });
    expect(worker.calls).toEqual([]);
    expect(result.restored).toEqual([]);
    expect(result.check.targets.map((target) => target.connector)).toEqual(['cdc-orders-sink']);
    expect(progress).toEqual(['cdc-customers-sink: the snapshot holds no offsets (none were committed when it was taken): left as it is']);
  });
});

describe('restoreOffsets: refused before any write', () => {
  it('on a worker older than Kafka 3.6', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink() });
    worker.version = '3.5.2';
    const error = await refusal(restore(worker, restorePoint));
    expect(error).toBeInstanceOf(OffsetsRestoreRefused);
    expect(error.message).toBe('offsets restore refused, nothing was changed:\n  worker https://kafka-connect.cdc-platform.svc.cluster.local:8083: runs Kafka 3.5.2; changing offsets needs Kafka ≥ 3.6 (KIP-875)');
    expect(worker.calls).toEqual([]);
  });

  it('when the snapshot does not fit the live connectors, every reason at once', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink() });
    const error = await refusal(restore(worker, snapshotOf({ 'cdc-orders-sink': [entry('cdc.app_db.customers', 0, 10)], 'cdc-returns-sink': [entry('cdc.app_db.returns', 0, 10)] })));
    expect((error as OffsetsRestoreRefused).problems).toEqual([
      'cdc-orders-sink: offsets[0].partition.kafka_topic: the live connector does not consume this topic (got "cdc.app_db.customers"; it consumes "cdc.app_db.orders")',
      'cdc-returns-sink: no such connector on the worker: create it first (cdcctl connectors apply), then restore its offsets',
    ]);
    expect(worker.calls).toEqual([]);
  });
});

describe('restoreOffsets: when a step fails', () => {
  it('puts the connector back in its state when the worker refuses the offsets, and passes the error on', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink() });
    worker.refusePatch = new ConnectError('PATCH /connectors/cdc-orders-sink/offsets: 400 Bad Request: Could not alter connector offsets', { method: 'PATCH', url: '/connectors/cdc-orders-sink/offsets', status: 400 });
    const progress: string[] = [];
    const error = await refusal(restoreOffsets(worker.client, restorePoint, { pollIntervalMs: 0, waitTimeoutMs: 1_000, onProgress: (line) => progress.push(line) }));
    expect(error).toBe(worker.refusePatch);
    expect(worker.calls.slice(-2)).toEqual(['patch offsets cdc-orders-sink', 'resume cdc-orders-sink']);
    expect(progress.at(-1)).toBe('cdc-orders-sink: the worker refused the offsets; putting it back to RUNNING');
  });

  it('leaves the connector STOPPED when the worker reports other offsets than written, naming the partitions', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink() });
    worker.writeInstead = [entry('cdc.app_db.orders', 0, 1_199)];
    const error = await refusal(restore(worker, restorePoint));
    expect(error.message).toBe(
      'cdc-orders-sink: after the PATCH the worker reports other offsets for {"kafka_partition":0,"kafka_topic":"cdc.app_db.orders"}, {"kafka_partition":1,"kafka_topic":"cdc.app_db.orders"}: left STOPPED so nothing consumes from them; compare cdcctl connectors offsets get cdc-orders-sink with the snapshot',
    );
    expect(worker.calls).not.toContain('resume cdc-orders-sink');
  });

  it('gives up when the connector does not stop in time, saying what it is doing instead', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink() });
    worker.ignoreStop = true;
    const error = await refusal(restore(worker, restorePoint, { waitTimeoutMs: 0 }));
    expect(error.message).toBe('cdc-orders-sink: still RUNNING (tasks 0:RUNNING), wants STOPPED after 0 ms');
    expect(worker.calls).not.toContain('patch offsets cdc-orders-sink');
  });

  it('stops waiting at a task that fails when resumed, with its cause and what to do', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink() });
    worker.failOnResume = 'org.apache.kafka.connect.errors.ConnectException: put failed\nCaused by: org.postgresql.util.PSQLException: ERROR: relation "orders_shadow" does not exist';
    const error = (await refusal(restore(worker, restorePoint))) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.message).toContain('cdc-orders-sink: FAILED while going to RUNNING after the offsets restore: org.postgresql.util.PSQLException: ERROR: relation "orders_shadow" does not exist');
    expect(error.suggestion).toBe('see cdcctl connectors status cdc-orders-sink; the offsets are restored, fix the cause and cdcctl connectors restart cdc-orders-sink');
  });
});

describe('checkRestore: each reason to refuse, and what it accepts', () => {
  const saved = (offsets: OffsetsSnapshot['connectors'][string]['offsets'], config: Record<string, string> = { 'connector.class': JDBC }) => snapshot({ 'cdc-orders-sink': { config, offsets } });

  it('refuses a snapshot that holds no connectors, saying when it was taken', () => {
    expect(checkRestore(snapshot({}), [sink('cdc-orders-sink', 'cdc.app_db.orders')]).problems).toEqual(['the snapshot taken at 2026-01-05T09:00:00.000Z holds no connectors']);
    expect(checkRestore(snapshot({}), [], { connectors: ['cdc-orders-sink'] }).problems).toEqual(['cdc-orders-sink: not in the snapshot (it holds: nothing)']);
  });

  it('refuses a snapshot config without connector.class, naming the live one', () => {
    expect(checkRestore(saved(sinkOffsets('cdc.app_db.orders', 1), {}), [sink('cdc-orders-sink', 'cdc.app_db.orders')]).problems).toEqual([
      'cdc-orders-sink: connector.class: missing from the snapshot\'s config, so it cannot be matched to the live connector (live: "io.debezium.connector.jdbc.JdbcSinkConnector")',
    ]);
  });

  it('takes the kind the worker reports, else the catalog’s, and refuses when neither knows', () => {
    const unknownClass = 'com.example.connect.WarehouseSinkConnector';
    const reported: LiveConnector = { ...sink('cdc-orders-sink', 'cdc.app_db.orders'), config: { 'connector.class': unknownClass, topics: 'cdc.app_db.orders' } };
    const offsets = saved(sinkOffsets('cdc.app_db.orders', 1), { 'connector.class': unknownClass });
    expect(checkRestore(offsets, [reported]).targets.map((target) => target.kind)).toEqual(['sink']);
    const unreported: LiveConnector = { ...reported, status: undefined };
    expect(checkRestore(offsets, [unreported]).problems).toEqual([
      'cdc-orders-sink: cannot tell whether "com.example.connect.WarehouseSinkConnector" is a source or a sink (the worker reports no type and the catalog does not know the class)',
    ]);
    const fromCatalog = checkRestore(saved(sinkOffsets('cdc.app_db.orders', 1)), [{ ...sink('cdc-orders-sink', 'cdc.app_db.orders'), status: undefined }]);
    expect(fromCatalog.targets).toEqual([{ connector: 'cdc-orders-sink', kind: 'sink', offsets: sinkOffsets('cdc.app_db.orders', 1), liveState: undefined }]);
  });

  it('reads a topics list with spaces after the commas', () => {
    const live = sink('cdc-orders-sink', 'cdc.app_db.orders, cdc.app_db.customers');
    expect(checkRestore(saved(sinkOffsets('cdc.app_db.customers', 7)), [live]).problems).toEqual([]);
  });

  it('refuses a topic that is no name, a partition that is no whole number, and an offset with other keys; accepts a null offset', () => {
    const live = [sink('cdc-orders-sink', 'cdc.app_db.orders')];
    const offsets = [
      { partition: { kafka_topic: '', kafka_partition: 0 }, offset: { kafka_offset: 1 } },
      { partition: { kafka_topic: 7, kafka_partition: 0 }, offset: { kafka_offset: 1 } },
      { partition: { kafka_topic: 'cdc.app_db.orders', kafka_partition: '0' }, offset: { kafka_offset: 1 } },
      { partition: { kafka_topic: 'cdc.app_db.orders', kafka_partition: 1.5 }, offset: { kafka_offset: 1 } },
      { partition: { kafka_topic: 'cdc.app_db.orders', kafka_partition: 2 }, offset: { kafka_offset: 1, kafka_timestamp: 1764493200000 } },
      { partition: { kafka_topic: 'cdc.app_db.orders', kafka_partition: 3 }, offset: null },
    ];
    expect(checkRestore(saved(offsets), live).problems).toEqual([
      'cdc-orders-sink: offsets[0].partition.kafka_topic: must be a topic name (got "")',
      'cdc-orders-sink: offsets[1].partition.kafka_topic: must be a topic name (got 7)',
      'cdc-orders-sink: offsets[2].partition.kafka_partition: must be a whole number ≥ 0 (got "0")',
      'cdc-orders-sink: offsets[3].partition.kafka_partition: must be a whole number ≥ 0 (got 1.5)',
      'cdc-orders-sink: offsets[4].offset: a sink connector\'s offset is {kafka_offset: <whole number>} or null (got {"kafka_offset":1,"kafka_timestamp":1764493200000})',
    ]);
    expect(checkRestore(saved([offsets[5]!]), live).problems).toEqual([]);
  });

  it('refuses a source partition with either sink key, and checks server_id only for Debezium', () => {
    const mongoSource: LiveConnector = { ...source('cdc-app-db-source', 'cdc'), config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector' } };
    const own = snapshot({ 'cdc-app-db-source': { config: { 'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector' }, offsets: [{ partition: { ns: 'mongodb://cluster0/app_db.orders' }, offset: { _id: '{"_data": "8263A1"}' } }] } });
    expect(checkRestore(own, [mongoSource]).problems).toEqual([]);
    const halfSink = snapshot({ 'cdc-app-db-source': { config: { 'connector.class': DEBEZIUM_MONGODB }, offsets: [{ partition: { kafka_partition: 0 }, offset: { sec: 1 } }] } });
    expect(checkRestore(halfSink, [source('cdc-app-db-source', 'cdc')]).problems).toEqual([
      'cdc-app-db-source: offsets[0].partition: this is a sink connector\'s partition, the live connector is a source (got {"kafka_partition":0})',
    ]);
  });

  it('is an error named OffsetsRestoreRefused listing every problem', () => {
    const error = new OffsetsRestoreRefused(['cdc-a-sink: not in the snapshot (it holds: nothing)', 'cdc-b-sink: not in the snapshot (it holds: nothing)']);
    expect(error.name).toBe('OffsetsRestoreRefused');
    expect(error.message).toBe('offsets restore refused, nothing was changed:\n  cdc-a-sink: not in the snapshot (it holds: nothing)\n  cdc-b-sink: not in the snapshot (it holds: nothing)');
  });
});

describe('restore helpers, the edge cases', () => {
  it('a partition the worker no longer reports matches a null offset and no other', () => {
    const gone = { partition: { kafka_topic: 't', kafka_partition: 4 }, offset: null };
    const wanted = { partition: { kafka_topic: 't', kafka_partition: 5 }, offset: { kafka_offset: 9 } };
    expect(offsetsNotMatching([gone, wanted], [])).toEqual([wanted]);
    expect(offsetsNotMatching([gone], [{ partition: { kafka_topic: 't', kafka_partition: 4 }, offset: null }])).toEqual([]);
  });

  it('a stopped connector goes back to STOPPED', () => {
    expect(stateAfterRestore({ connector: 'c', kind: 'sink', offsets: [], liveState: 'STOPPED' }, undefined)).toBe('STOPPED');
    expect(stateAfterRestore({ connector: 'c', kind: 'sink', offsets: [], liveState: 'RUNNING' }, new Map())).toBe('RUNNING');
  });

  it('a refused PATCH puts a paused connector back to PAUSED, not RUNNING', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink('PAUSED') });
    worker.refusePatch = new Error('PATCH /connectors/cdc-orders-sink/offsets: 400 Bad Request');
    await refusal(restore(worker, restorePoint));
    expect(worker.calls.at(-1)).toBe('pause cdc-orders-sink');
  });
});

describe('checkRestore and the restore steps, pinned at each branch', () => {
  const savedSink = (offsets: OffsetEntry[]) => snapshot({ 'cdc-orders-sink': { config: { 'connector.class': JDBC }, offsets } });

  it('says what a sink consumes from topics.regex, or "" when it names neither topics nor topics.regex', () => {
    const byRegex: LiveConnector = { ...sink('cdc-orders-sink', ''), config: { 'connector.class': JDBC, 'topics.regex': 'cdc\\.app_db\\..*' } };
    expect(checkRestore(savedSink(sinkOffsets('cdc.billing_db.invoices', 3)), [byRegex]).problems).toEqual([
      'cdc-orders-sink: offsets[0].partition.kafka_topic: the live connector does not consume this topic (got "cdc.billing_db.invoices"; it consumes "cdc\\\\.app_db\\\\..*")',
    ]);
    const neither: LiveConnector = { ...sink('cdc-orders-sink', ''), config: { 'connector.class': JDBC } };
    expect(checkRestore(savedSink(sinkOffsets('cdc.app_db.orders', 3)), [neither]).problems).toEqual([
      'cdc-orders-sink: offsets[0].partition.kafka_topic: the live connector does not consume this topic (got "cdc.app_db.orders"; it consumes "")',
    ]);
  });

  it('refuses a kafka_topic that is a list, even one holding a consumed topic', () => {
    const offsets = [{ partition: { kafka_topic: ['cdc.app_db.orders'], kafka_partition: 0 }, offset: { kafka_offset: 12 } }];
    expect(checkRestore(savedSink(offsets), [sink('cdc-orders-sink', 'cdc.app_db.orders')]).problems).toEqual([
      'cdc-orders-sink: offsets[0].partition.kafka_topic: must be a topic name (got ["cdc.app_db.orders"])',
    ]);
  });

  it('refuses a source partition holding kafka_topic alone as a sink’s partition', () => {
    const halfSink = snapshot({ 'cdc-app-db-source': { config: { 'connector.class': DEBEZIUM_MONGODB }, offsets: [{ partition: { kafka_topic: 'cdc.app_db.orders' }, offset: { sec: 1 } }] } });
    expect(checkRestore(halfSink, [source('cdc-app-db-source', 'cdc')]).problems).toEqual([
      'cdc-app-db-source: offsets[0].partition: this is a sink connector\'s partition, the live connector is a source (got {"kafka_topic":"cdc.app_db.orders"})',
    ]);
  });

  it('does not hold a MongoDB source connector’s partitions to its topic.prefix (only Debezium keys offsets by it)', () => {
    const mongoClass = 'com.mongodb.kafka.connect.MongoSourceConnector';
    const live: LiveConnector = { ...source('cdc-app-db-source', 'cdc'), config: { 'connector.class': mongoClass, 'topic.prefix': 'cdc' } };
    const saved = snapshot({ 'cdc-app-db-source': { config: { 'connector.class': mongoClass }, offsets: [{ partition: { ns: 'mongodb://cluster0/app_db.orders' }, offset: { _id: '{"_data": "8263A1"}' } }] } });
    expect(checkRestore(saved, [live]).problems).toEqual([]);
  });

  it('takes "source" from the worker for a class the catalog does not know', () => {
    const legacyClass = 'com.example.connect.LegacyOplogSourceConnector';
    const live: LiveConnector = { ...source('cdc-legacy-source', 'cdc'), config: { 'connector.class': legacyClass } };
    const saved = snapshot({ 'cdc-legacy-source': { config: { 'connector.class': legacyClass }, offsets: [{ partition: { ns: 'app_db.orders' }, offset: { ts: 1764493200 } }] } });
    const check = checkRestore(saved, [live]);
    expect(check.problems).toEqual([]);
    expect(check.targets.map((target) => target.kind)).toEqual(['source']);
  });

  it('names a snapshot file that is no object at all at its root', () => {
    try {
      parseOffsetsSnapshot([], 'restore-point-2026-11-30.json');
      throw new Error('expected a refusal');
    } catch (caught) {
      expect((caught as OffsetsRestoreRefused).problems).toEqual([expect.stringMatching(/^restore-point-2026-11-30\.json: \(root\): /)]);
    }
  });

  it('compares lists inside partitions element by element, keys sorted within', () => {
    expect(canonical({ collections: ['app_db.orders', { db: 'app_db', coll: 'customers' }] })).toBe('{"collections":["app_db.orders",{"coll":"customers","db":"app_db"}]}');
  });

  it('a refused PATCH puts a connector the config wants stopped back with stop, not pause', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink() });
    worker.refusePatch = new Error('PATCH /connectors/cdc-orders-sink/offsets: 400 Bad Request');
    await refusal(restore(worker, restorePoint, { desiredStates: new Map([['cdc-orders-sink', 'STOPPED']]) }));
    expect(worker.calls.slice(-2)).toEqual(['patch offsets cdc-orders-sink', 'stop cdc-orders-sink']);
  });

  it('a task failing on the way up is a ConnectError naming the status request', async () => {
    const worker = standInWorker({ 'cdc-orders-sink': ordersSink() });
    worker.failOnResume = 'org.apache.kafka.connect.errors.ConnectException: put failed';
    const error = (await refusal(restore(worker, restorePoint))) as ConnectError;
    expect(error.details).toMatchObject({ method: 'GET', url: 'https://kafka-connect.cdc-platform.svc.cluster.local:8083/connectors/cdc-orders-sink/status', connector: 'cdc-orders-sink' });
  });
});
