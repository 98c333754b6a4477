import type { ConnectorStatus } from '../../../../connectors/connect/client';
import { describeWaiting, failures, firstFailureCause, progressTowards, rootCause } from '../../../../connectors/connect/desired-state';

type State = ConnectorStatus['connector']['state'];
const status = (connector: State, ...tasks: State[]): ConnectorStatus => ({ name: 'c', connector: { state: connector }, tasks: tasks.map((state, id) => ({ id, state })) });

describe('progressTowards: the one desired-state rule', () => {
  it.each<[string, ConnectorStatus | undefined, 'RUNNING' | 'PAUSED' | 'STOPPED', string]>([
    ['no status yet', undefined, 'RUNNING', 'waiting'],
    ['RUNNING with every task RUNNING', status('RUNNING', 'RUNNING', 'RUNNING'), 'RUNNING', 'reached'],
    ['RUNNING with no task yet', status('RUNNING'), 'RUNNING', 'waiting'],
    ['RUNNING with a task still UNASSIGNED', status('RUNNING', 'RUNNING', 'UNASSIGNED'), 'RUNNING', 'waiting'],
    ['RUNNING with a FAILED task', status('RUNNING', 'RUNNING', 'FAILED'), 'RUNNING', 'failed'],
    ['a FAILED connector', status('FAILED'), 'RUNNING', 'failed'],
    ['PAUSED with its tasks PAUSED', status('PAUSED', 'PAUSED'), 'PAUSED', 'reached'],
    ['PAUSED while a task still RUNS', status('PAUSED', 'RUNNING'), 'PAUSED', 'waiting'],
    ['RUNNING when PAUSED is wanted', status('RUNNING', 'RUNNING'), 'PAUSED', 'waiting'],
    ['PAUSED with a FAILED task', status('PAUSED', 'FAILED'), 'PAUSED', 'failed'],
    ['STOPPED without tasks', status('STOPPED'), 'STOPPED', 'reached'],
    ['STOPPED while a task is still there', status('STOPPED', 'RUNNING'), 'STOPPED', 'waiting'],
    ['FAILED on the way to STOPPED (the stop takes it down)', status('FAILED', 'FAILED'), 'STOPPED', 'waiting'],
    ['RUNNING when STOPPED is wanted', status('RUNNING', 'RUNNING'), 'STOPPED', 'waiting'],
  ])('%s → %s', (_what, given, desired, expected) => {
    expect(progressTowards(given, desired)).toBe(expected);
  });
});

describe('what is said of a connector', () => {
  const trace = 'org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask\n\tat a.b(C.java:1)\nCaused by: org.apache.kafka.connect.errors.ConnectException: wrapped\nCaused by: java.sql.SQLException: column "items" cannot be resolved\n\tat d.e(F.java:2)';

  it('the root cause is the last "Caused by", else the first line, else nothing', () => {
    expect(rootCause(trace)).toBe('java.sql.SQLException: column "items" cannot be resolved');
    expect(rootCause('java.lang.IllegalStateException: no cause\n\tat x.y(Z.java:3)')).toBe('java.lang.IllegalStateException: no cause');
    expect(rootCause(undefined)).toBe('');
  });

  it('names each FAILED part with its root cause', () => {
    const failed: ConnectorStatus = { name: 'c', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }, { id: 1, state: 'FAILED', trace }] };
    expect(failures('c', failed)).toEqual(['c: task 1 FAILED: java.sql.SQLException: column "items" cannot be resolved']);
    expect(firstFailureCause(failed)).toBe('java.sql.SQLException: column "items" cannot be resolved');
    expect(failures('c', { name: 'c', connector: { state: 'FAILED' }, tasks: [] })).toEqual(['c: connector FAILED']);
    expect(failures('c', status('RUNNING', 'RUNNING'))).toEqual([]);
  });

  it('describes what it waits for', () => {
    expect(describeWaiting(status('RUNNING', 'RUNNING', 'UNASSIGNED'), 'RUNNING')).toBe('RUNNING (tasks 0:RUNNING 1:UNASSIGNED), wants RUNNING');
    expect(describeWaiting(undefined, 'PAUSED')).toBe('no status yet, wants PAUSED');
  });
});

describe('the root cause, in traces as a worker reports them', () => {
  it('takes a "Caused by" only at the start of a line: a suppressed exception\'s nested cause is not the root cause', () => {
    const trace = [
      'org.apache.kafka.connect.errors.ConnectException: java.sql.SQLException: Connection refused',
      '\tat io.debezium.connector.jdbc.JdbcChangeEventSink.execute(JdbcChangeEventSink.java:79)',
      '\tSuppressed: java.lang.IllegalStateException: pool closed',
      '\t\tCaused by: java.io.IOException: broken pipe',
      'Caused by: java.sql.SQLException: Connection refused   ',
      '\t... 12 more',
    ].join('\n');
    expect(rootCause(trace)).toBe('java.sql.SQLException: Connection refused');
  });

  it('is the first line, trimmed, when there is no "Caused by"', () => {
    expect(rootCause('  org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler \n\tat x.y(Z.java:3)')).toBe('org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler');
  });

  it('is nothing for an empty trace', () => {
    expect(rootCause('')).toBe('');
  });
});

describe('failures and the first failure cause', () => {
  const sqlTrace = 'org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask\nCaused by: java.sql.SQLException: relation "orders" does not exist';
  const mongoTrace = 'org.apache.kafka.connect.errors.ConnectException: Error while processing event\nCaused by: com.mongodb.MongoCommandException: Command failed with error 286 (ChangeStreamHistoryLost)';

  it('says nothing of a connector without a status', () => {
    expect(failures('cdc-orders-sink', undefined)).toEqual([]);
  });

  it('names the connector and every FAILED task, each with its own cause, in that order', () => {
    const failed: ConnectorStatus = {
      name: 'cdc-app-db-source',
      connector: { state: 'FAILED', trace: mongoTrace },
      tasks: [{ id: 0, state: 'FAILED', trace: mongoTrace }, { id: 1, state: 'RUNNING' }, { id: 2, state: 'FAILED' }],
    };
    expect(failures('cdc-app-db-source', failed)).toEqual([
      'cdc-app-db-source: connector FAILED: com.mongodb.MongoCommandException: Command failed with error 286 (ChangeStreamHistoryLost)',
      'cdc-app-db-source: task 0 FAILED: com.mongodb.MongoCommandException: Command failed with error 286 (ChangeStreamHistoryLost)',
      'cdc-app-db-source: task 2 FAILED',
    ]);
  });

  it("is the FAILED connector's cause before a task's", () => {
    const failed: ConnectorStatus = { name: 'c', connector: { state: 'FAILED', trace: mongoTrace }, tasks: [{ id: 0, state: 'FAILED', trace: sqlTrace }] };
    expect(firstFailureCause(failed)).toBe('com.mongodb.MongoCommandException: Command failed with error 286 (ChangeStreamHistoryLost)');
  });

  it("is the first FAILED task's cause, not an earlier running task's", () => {
    const failed: ConnectorStatus = { name: 'c', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING', trace: mongoTrace }, { id: 1, state: 'FAILED', trace: sqlTrace }] };
    expect(firstFailureCause(failed)).toBe('java.sql.SQLException: relation "orders" does not exist');
  });

  it('falls back to the connector trace, then to the first task with a trace, when no failed part has one', () => {
    expect(firstFailureCause({ name: 'c', connector: { state: 'RUNNING', trace: mongoTrace }, tasks: [{ id: 0, state: 'FAILED' }] })).toBe('com.mongodb.MongoCommandException: Command failed with error 286 (ChangeStreamHistoryLost)');
    expect(firstFailureCause({ name: 'c', connector: { state: 'FAILED' }, tasks: [{ id: 0, state: 'RUNNING' }, { id: 1, state: 'UNASSIGNED', trace: sqlTrace }] })).toBe('java.sql.SQLException: relation "orders" does not exist');
    expect(firstFailureCause({ name: 'c', connector: { state: 'FAILED' }, tasks: [] })).toBe('');
    expect(firstFailureCause({ name: 'c', connector: { state: 'RUNNING', trace: mongoTrace }, tasks: [{ id: 0, state: 'RUNNING' }] })).toBe('com.mongodb.MongoCommandException: Command failed with error 286 (ChangeStreamHistoryLost)');
  });

  it('describes a connector without tasks as having none', () => {
    expect(describeWaiting(status('STOPPED'), 'RUNNING')).toBe('STOPPED (tasks none), wants RUNNING');
  });
});

describe('progressTowards, the cases between the rules', () => {
  it.each<[string, ConnectorStatus, 'RUNNING' | 'PAUSED' | 'STOPPED', string]>([
    ['PAUSED without tasks when PAUSED is wanted', status('PAUSED'), 'PAUSED', 'reached'],
    ['a FAILED connector with RUNNING tasks on the way to PAUSED', status('FAILED', 'RUNNING'), 'PAUSED', 'failed'],
    ['STOPPED with a FAILED task left on the way to STOPPED', status('STOPPED', 'FAILED'), 'STOPPED', 'waiting'],
    ['UNASSIGNED on the way to RUNNING', status('UNASSIGNED', 'UNASSIGNED'), 'RUNNING', 'waiting'],
    ['RUNNING without tasks when STOPPED is wanted', status('RUNNING'), 'STOPPED', 'waiting'],
    ['RUNNING with its tasks already PAUSED when PAUSED is wanted', status('RUNNING', 'PAUSED'), 'PAUSED', 'waiting'],
    ['STOPPED with a task still listed, even one reporting STOPPED', status('STOPPED', 'STOPPED'), 'STOPPED', 'waiting'],
  ])('%s → %s', (_what, given, desired, expected) => {
    expect(progressTowards(given, desired)).toBe(expected);
  });
});
