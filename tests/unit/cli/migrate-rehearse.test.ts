import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { durationSeconds, rehearsalOptionsFrom } from '../../../cli/commands/migrate';
import { runCdcctl } from './run-cdcctl';

const flags = { collection: 'orders', rate: '100', duration: '60s', triggerLag: '2000', triggerRun: '0', triggerFailureRate: '0.01', sinkFrom: 'earliest', walk: 'full', output: 'text' };

describe('cdcctl migrate rehearse: its flags', () => {
  it("turns the flags into the rehearsal settings, the load's duration shared out over the walk's steps", () => {
    expect(rehearsalOptionsFrom(flags)).toEqual({ ratePerSecond: 100, stepSeconds: 5, triggerLagMs: 2000, triggerRunMs: 0, triggerFailureRate: 0.01, sinkFrom: 'earliest', walk: 'full' });
    expect(rehearsalOptionsFrom({ ...flags, duration: '5m', sinkFrom: 'current', walk: 'cutover', triggerRun: '20' })).toMatchObject({ stepSeconds: 100, sinkFrom: 'current', walk: 'cutover', triggerRunMs: 20 });
    expect(rehearsalOptionsFrom({ ...flags, duration: '20s' }).stepSeconds).toBe(1.7);
  });

  it('reads a duration as seconds or minutes, and nothing else', () => {
    expect([durationSeconds('60s'), durationSeconds('5m'), durationSeconds('20'), durationSeconds('1.5m')]).toEqual([60, 300, 20, 90]);
    for (const wrong of ['', '0s', '5h', '-5s', 'soon']) expect(durationSeconds(wrong)).toBeUndefined();
  });

  it('reports every wrong flag at once, naming each with the value received', () => {
    expect(() => rehearsalOptionsFrom({ ...flags, collection: 'customers', rate: '0', duration: '5h', triggerLag: '-1', triggerRun: '1.5', triggerFailureRate: '2', sinkFrom: 'latest', walk: 'all' })).toThrow(
      [
        '--collection: only orders can be rehearsed (the load writes orders; got "customers")',
        '--rate must be a number of changes per second from above 0 to 1000 (got 0)',
        '--duration must be a duration such as 60s or 5m (got 5h)',
        '--trigger-lag must be a whole number of milliseconds, 0 or more (got -1)',
        '--trigger-run must be a whole number of milliseconds, 0 or more (got 1.5)',
        '--trigger-failure-rate must be a fraction from 0 to 1 (0.01 is 1 %) (got 2)',
        '--sink-from must be earliest or current (got latest)',
        '--walk must be full or cutover (got all)',
      ].join('\n'),
    );
  });

  it('refuses wrong flags before looking for the runtime, and says when the local runtime is not running', async () => {
    const refused = await runCdcctl(['migrate', 'rehearse', '--collection', 'customers']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('only orders can be rehearsed');
    const stateDir = mkdtempSync(path.join(tmpdir(), 'cdcctl-rehearse-'));
    const down = await runCdcctl(['migrate', 'rehearse', '--collection', 'orders', '--state-dir', stateDir]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('the local runtime is not running');
  });
});
