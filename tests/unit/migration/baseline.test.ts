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
