import { HEARTBEAT_INTERVAL_MS, heartbeatProgress } from '../../../cli/support';

describe('heartbeatProgress: a long wait says what it is on and for how long', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports each step at once and, while no step comes, a line every 10 s with the step and the time so far', () => {
    const lines: string[] = [];
    const heartbeat = heartbeatProgress((line) => lines.push(line), HEARTBEAT_INTERVAL_MS, () => Date.now());
    heartbeat.onProgress('waiting for 2/3 connectors to reach their desired state');
    jest.advanceTimersByTime(9_999);
    expect(lines).toEqual(['waiting for 2/3 connectors to reach their desired state']);
    jest.advanceTimersByTime(1);
    jest.advanceTimersByTime(10_000);
    expect(lines.slice(1)).toEqual([
      'still on it, 10 s so far: waiting for 2/3 connectors to reach their desired state',
      'still on it, 20 s so far: waiting for 2/3 connectors to reach their desired state',
    ]);
    heartbeat.stop();
  });

  it('counts from the latest step, without the runtime’s own elapsed-time prefix, and stops when told', () => {
    const lines: string[] = [];
    const heartbeat = heartbeatProgress((line) => lines.push(line), HEARTBEAT_INTERVAL_MS, () => Date.now());
    heartbeat.onProgress('[  1.0s] starting kafka');
    jest.advanceTimersByTime(6_000);
    heartbeat.onProgress('[  7.0s] waiting until Kafka Connect answers');
    jest.advanceTimersByTime(6_000);
    expect(lines).toHaveLength(2);
    jest.advanceTimersByTime(4_000);
    expect(lines[2]).toBe('still on it, 10 s so far: waiting until Kafka Connect answers');
    heartbeat.stop();
    jest.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
  });

  it('says nothing before the first step', () => {
    const lines: string[] = [];
    const heartbeat = heartbeatProgress((line) => lines.push(line));
    jest.advanceTimersByTime(60_000);
    expect(lines).toEqual([]);
    heartbeat.stop();
  });
});
