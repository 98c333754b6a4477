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
