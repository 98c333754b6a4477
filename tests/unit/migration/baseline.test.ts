import { baselineWindowProblem, createBaselineAccumulator, parseSince, percentile } from '../../../migration/baseline';

const TRIGGER = { id: '64b0c0ffee0000000000d101', name: 'syncOrders' };
const DAY_MS = 86_400_000;

describe('baseline helpers', () => {
  it('computes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });

  it('reads --since as a duration or an ISO time and names the flag otherwise', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-02-22T00:00:00.000Z');
    expect(parseSince('2026-02-01T00:00:00Z', now).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(() => parseSince('last week', now)).toThrow('--since must be a duration such as 7d, 12h, 30m or an ISO 8601 time such as 2026-01-31T00:00:00Z (got "last week")');
  });

  it('takes a window of up to the 10 days App Services keeps logs, and refuses a longer or an inverted one', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(baselineWindowProblem(new Date(now.getTime() - 10 * DAY_MS), now)).toBeUndefined();
    expect(baselineWindowProblem(new Date(now.getTime() - 10 * DAY_MS - 1000), now)).toMatch(/^--since 2026-02-18T23:59:59.000Z is 10.0 days back, but App Services keeps logs 10 days/);
    expect(baselineWindowProblem(now, now)).toBe('--since 2026-03-01T00:00:00.000Z is not before now (2026-03-01T00:00:00.000Z)');
  });
});

describe('the baseline accumulator', () => {
  it("counts a TRIGGER_FAILURE as the trigger's own failure: not an execution, not a function failure", () => {
    const accumulator = createBaselineAccumulator();
    accumulator.add({ event_subscription_id: TRIGGER.id, started: '2026-03-01T00:00:00.000Z', completed: '2026-03-01T00:00:00.050Z' }, false);
    accumulator.add({ event_subscription_id: TRIGGER.id, error: 'duplicate key' }, true);
    accumulator.addTriggerFailure({ type: 'TRIGGER_FAILURE', event_subscription_id: TRIGGER.id, error: 'resume token lost' });
    accumulator.addTriggerFailure({ type: 'TRIGGER_FAILURE', event_subscription_id: TRIGGER.id, error: 'resume token lost' });
    expect(accumulator.baselineOf(TRIGGER)).toEqual({
      executions: 2,
      failures: 1,
      p50_ms: 50,
      p95_ms: 50,
      top_errors: [{ message: 'duplicate key', count: 1 }],
      trigger_failures: 2,
      top_trigger_failures: [{ message: 'resume token lost', count: 2 }],
    });
  });

  it("attributes a trigger failure by event_subscription_id: another trigger's stays its own, one naming none is unattributed", () => {
    const accumulator = createBaselineAccumulator();
    accumulator.addTriggerFailure({ event_subscription_id: '64b0c0ffee0000000000d102', event_subscription_name: TRIGGER.name, error: 'x' });
    accumulator.addTriggerFailure({ error: 'x' });
    expect(accumulator.baselineOf(TRIGGER).trigger_failures).toBe(0);
    expect(accumulator.unattributed()).toBe(1);
  });
});

describe('nearest-rank percentiles at the edges', () => {
  it('take the first value for a tiny p and the rank rounded up otherwise', () => {
    expect(percentile([10, 20, 30], 0)).toBe(10);
    expect(percentile([10, 20, 30], 1)).toBe(10);
    expect(percentile([10, 20, 30], 34)).toBe(20);
    expect(percentile([10, 20, 30], 100)).toBe(30);
    expect(percentile(Array.from({ length: 20 }, (_, index) => index + 1), 95)).toBe(19);
  });
});

describe('--since', () => {
  const now = new Date('2026-03-01T00:00:00Z');

  it.each([
    ['12h', '2026-02-28T12:00:00.000Z'],
    ['30m', '2026-02-28T23:30:00.000Z'],
    ['45s', '2026-02-28T23:59:15.000Z'],
    ['2D', '2026-02-27T00:00:00.000Z'],
    [' 3 d ', '2026-02-26T00:00:00.000Z'],
  ])('reads %p counted back from now', (value, instant) => {
    expect(parseSince(value, now).toISOString()).toBe(instant);
  });

  it('reads an ISO date with surrounding spaces', () => {
    expect(parseSince(' 2026-02-01 ', now).toISOString()).toBe(new Date('2026-02-01').toISOString());
  });

  it.each(['7w', '7 days', 'd7', '1.5d', 'March 1, 2026', '2026-13-45', 'x2026-02-01T00:00:00Z', 'x 2026-02-01', '2026-02-1'])('refuses %p, naming the flag it was given as', (value) => {
    expect(() => parseSince(value, now, '--until')).toThrow(
      `--until must be a duration such as 7d, 12h, 30m or an ISO 8601 time such as 2026-01-31T00:00:00Z (got ${JSON.stringify(value)})`,
    );
  });
});

describe('the baseline window', () => {
  const now = new Date('2026-03-01T00:00:00Z');

  it('accepts a window of a millisecond, and says how far back a longer one than 10 days is, to a tenth of a day', () => {
    expect(baselineWindowProblem(new Date(now.getTime() - 1), now)).toBeUndefined();
    expect(baselineWindowProblem(new Date(now.getTime() - 12.25 * DAY_MS), now)).toBe(
      '--since 2026-02-16T18:00:00.000Z is 12.3 days back, but App Services keeps logs 10 days: the baseline would count only the last 10; give --since 10d or less (older logs exist only where they were forwarded)',
    );
  });

  it('refuses a window that starts after now', () => {
    expect(baselineWindowProblem(new Date(now.getTime() + 1), now)).toBe('--since 2026-03-01T00:00:00.001Z is not before now (2026-03-01T00:00:00.000Z)');
  });
});

describe('the baseline accumulator: executions and durations', () => {
  const times = (startedMs: number, durationMs: number) => ({
    started: new Date(Date.UTC(2026, 2, 1) + startedMs).toISOString(),
    completed: new Date(Date.UTC(2026, 2, 1) + startedMs + durationMs).toISOString(),
  });
  const run = (startedMs: number, durationMs: number) => ({ event_subscription_id: TRIGGER.id, ...times(startedMs, durationMs) });

  it('starts every trigger at nothing', () => {
    expect(createBaselineAccumulator().baselineOf(TRIGGER)).toEqual({ executions: 0, failures: 0, p50_ms: null, p95_ms: null, top_errors: [], trigger_failures: 0, top_trigger_failures: [] });
  });

  it('takes percentiles over the durations sorted, whatever order the entries came in', () => {
    const accumulator = createBaselineAccumulator();
    for (const [index, duration] of [900, 100, 500, 300, 700].entries()) accumulator.add(run(index * 1000, duration), false);
    expect(accumulator.baselineOf(TRIGGER)).toMatchObject({ executions: 5, failures: 0, p50_ms: 500, p95_ms: 900 });
  });

  it('counts an execution without usable times but leaves it out of the durations; a zero duration counts', () => {
    const accumulator = createBaselineAccumulator();
    accumulator.add({ event_subscription_id: TRIGGER.id }, false);
    accumulator.add({ event_subscription_id: TRIGGER.id, started: '2026-03-01T00:00:00.000Z' }, false);
    accumulator.add({ event_subscription_id: TRIGGER.id, completed: '2026-03-01T00:00:00.000Z' }, false);
    accumulator.add({ event_subscription_id: TRIGGER.id, started: 'yesterday', completed: '2026-03-01T00:00:00.000Z' }, false);
    accumulator.add({ event_subscription_id: TRIGGER.id, started: '2026-03-01T00:00:00.000Z', completed: 'later' }, false);
    // completed before started: a clock oddity, not a negative duration
    accumulator.add(run(0, -5), false);
    expect(accumulator.baselineOf(TRIGGER)).toMatchObject({ executions: 6, p50_ms: null, p95_ms: null });
    accumulator.add(run(0, 0), false);
    expect(accumulator.baselineOf(TRIGGER)).toMatchObject({ executions: 7, p50_ms: 0, p95_ms: 0 });
  });

  it('attributes an entry without an id by name, and adds what was counted by id and by name', () => {
    const accumulator = createBaselineAccumulator();
    accumulator.add({ event_subscription_name: TRIGGER.name, ...times(0, 40) }, false);
    accumulator.add({ event_subscription_id: TRIGGER.id, event_subscription_name: 'renamedSince', ...times(1000, 20) }, false);
    accumulator.add({ event_subscription_name: TRIGGER.name, error: 'duplicate key' }, true);
    accumulator.add({ event_subscription_id: TRIGGER.id, error: 'duplicate key' }, true);
    accumulator.addTriggerFailure({ event_subscription_name: TRIGGER.name, error: 'resume token lost' });
    accumulator.addTriggerFailure({ event_subscription_id: TRIGGER.id, error: 'resume token lost' });
    expect(accumulator.baselineOf(TRIGGER)).toEqual({
      executions: 4,
      failures: 2,
      p50_ms: 20,
      p95_ms: 40,
      top_errors: [{ message: 'duplicate key', count: 2 }],
      trigger_failures: 2,
      top_trigger_failures: [{ message: 'resume token lost', count: 2 }],
    });
    expect(accumulator.baselineOf({ id: '64b0c0ffee0000000000d199', name: 'renamedSince' })).toMatchObject({ executions: 0 });
    expect(accumulator.unattributed()).toBe(0);
  });

  it('counts an execution naming no trigger as unattributed, nowhere else', () => {
    const accumulator = createBaselineAccumulator();
    accumulator.add({ error: 'x' }, true);
    accumulator.add({ event_subscription_id: null, event_subscription_name: null } as never, false);
    expect(accumulator.unattributed()).toBe(2);
    expect(accumulator.baselineOf(TRIGGER).executions).toBe(0);
  });
});

describe('the baseline accumulator: error messages', () => {
  const failing = (error: Record<string, string>) => ({ event_subscription_id: TRIGGER.id, ...error });

  it('uses the error, else its code, else says there was none; whitespace collapsed and trimmed', () => {
    const accumulator = createBaselineAccumulator();
    accumulator.add(failing({ error: '  connection\n refused\tby   warehouse ', error_code: 'FunctionExecutionError' }), true);
    accumulator.add(failing({ error: '', error_code: 'FunctionExecutionError' }), true);
    accumulator.add(failing({}), true);
    expect(accumulator.baselineOf(TRIGGER).top_errors).toEqual([
      { message: '(no error message)', count: 1 },
      { message: 'connection refused by warehouse', count: 1 },
      { message: 'FunctionExecutionError', count: 1 },
    ]);
  });

  it('keeps the first 200 characters of a message', () => {
    const accumulator = createBaselineAccumulator();
    accumulator.add(failing({ error: `${'e'.repeat(200)}tail` }), true);
    accumulator.add(failing({ error: `${'e'.repeat(200)}other tail` }), true);
    expect(accumulator.baselineOf(TRIGGER).top_errors).toEqual([{ message: 'e'.repeat(200), count: 2 }]);
  });

  it('lists the five most frequent, ties in alphabetical order', () => {
    const accumulator = createBaselineAccumulator();
    const counts: Array<[string, number]> = [['f', 1], ['e', 2], ['d', 2], ['c', 3], ['b', 1], ['a', 1]];
    for (const [message, count] of counts) for (let index = 0; index < count; index += 1) accumulator.add(failing({ error: message }), true);
    expect(accumulator.baselineOf(TRIGGER).top_errors).toEqual([
      { message: 'c', count: 3 },
      { message: 'd', count: 2 },
      { message: 'e', count: 2 },
      { message: 'a', count: 1 },
      { message: 'b', count: 1 },
    ]);
  });

  it('keeps 1000 distinct messages per trigger and counts the rest under one line, still counting the kept ones', () => {
    const accumulator = createBaselineAccumulator();
    for (let index = 0; index < 1000; index += 1) accumulator.add(failing({ error: `document ${index} failed validation` }), true);
    accumulator.add(failing({ error: 'document 0 failed validation' }), true);
    accumulator.add(failing({ error: 'document 1000 failed validation' }), true);
    accumulator.add(failing({ error: 'document 1001 failed validation' }), true);
    accumulator.add(failing({ error: 'document 1000 failed validation' }), true);
    const baseline = accumulator.baselineOf(TRIGGER);
    expect(baseline.failures).toBe(1004);
    expect(baseline.top_errors.slice(0, 3)).toEqual([
      { message: '(other errors)', count: 3 },
      { message: 'document 0 failed validation', count: 2 },
      { message: 'document 1 failed validation', count: 1 },
    ]);
  });
});
