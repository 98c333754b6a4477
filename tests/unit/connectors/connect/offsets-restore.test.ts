import type { OffsetsSnapshot } from '../../../../connectors/connect/offsets-snapshot';
import type { LiveConnector } from '../../../../connectors/connect/client';
import { canonical, checkRestore, offsetsNotMatching, OffsetsRestoreRefused, parseOffsetsSnapshot, stateAfterRestore, supportsOffsetChanges } from '../../../../connectors/connect/offsets-restore';

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
