import type { CutoverRehearsalReport, RehearsalSample, RehearsalStepResult } from '../../../local/cutover-rehearsal';
import { formatRehearsalText, lostByMoves, rehearsalJson, rehearsalPassed } from '../../../local/rehearsal-report';

const settled = (lost = 0, triggerFailed = 0) => ({ missing: triggerFailed + lost, extra: 0, stale: 0, triggerFailed, lost, lostIds: lost ? ['missing {"$oid":"65f0a1b2c3d4e5f601234567"} (1764500000123)'] : [], settleMs: 2_400 });

const steps: RehearsalStepResult[] = [
  { step: 'trigger', from: 'trigger', to: 'trigger', startedMs: 0, endedMs: 7_400, actions: [], missing: 31, extra: 4, stale: 88, maxStalenessMs: 2_310, settled: settled(0, 3), validateAccuracy: null },
  { step: 'validate', from: 'shadow', to: 'shadow', startedMs: 7_400, endedMs: 15_100, actions: [], missing: 30, extra: 5, stale: 91, maxStalenessMs: 2_280, settled: settled(0, 4), validateAccuracy: 98.7 },
  {
    step: 'cut-over', from: 'shadow', to: 'stream', startedMs: 15_100, endedMs: 24_800, missing: 35, extra: 6, stale: 97, maxStalenessMs: 2_420, settled: settled(), validateAccuracy: null, triggerBacklogAtDisable: 212,
    actions: [{ action: 'apply-connectors', ms: 640 }, { action: 'replay-sink', ms: 2_210 }, { action: 'disable-trigger', ms: 15 }],
  },
  { step: 'rollback stream → shadow', from: 'stream', to: 'shadow', startedMs: 24_800, endedMs: 33_000, missing: 40, extra: 7, stale: 120, maxStalenessMs: 4_800, settled: settled(0, 1), validateAccuracy: 99.2, actions: [{ action: 'enable-trigger', ms: 30 }, { action: 'apply-connectors', ms: 700 }, { action: 'replay-sink', ms: 2_400 }] },
];

const sample = (at_ms: number, step: string, phase: RehearsalSample['phase'], writes: number, trigger_lag_ms: number | null): RehearsalSample => ({
  at_ms, step, phase, writes, missing: 3, extra: 1, stale: 9, max_staleness_ms: 2_100, trigger_lag_ms, stream_lag_ms: phase === 'trigger' ? null : 120,
});

const report: CutoverRehearsalReport = {
  writes: { insert: 1_010, update: 1_480, replace: 330, delete: 480, total: 3_300 },
  trigger: { applied: 3_140, failed: 33, skipped: 12, maxLagMs: 4_000 },
  steps,
  samples: [sample(1_000, 'trigger', 'trigger', 100, 2_050), sample(16_000, 'cut-over', 'stream', 1_500, null)],
  maxStalenessMs: 4_800,
  final: { documents: 512, rows: 512, missing: [], extra: [], stale: [], maxStalenessMs: 0 },
};

describe('the rehearsal report', () => {
  it("gives every step in issue 13's JSON shape, with its settled comparison, its actions and validate's accuracy", () => {
    const json = rehearsalJson(report);
    expect(json.steps.map((step) => [step.step, step.from, step.to, step.validate_accuracy])).toEqual([
      ['trigger', 'trigger', 'trigger', null],
      ['validate', 'shadow', 'shadow', 98.7],
      ['cut-over', 'shadow', 'stream', null],
      ['rollback stream → shadow', 'stream', 'shadow', 99.2],
    ]);
    expect(json.steps[2]).toEqual({
      step: 'cut-over', from: 'shadow', to: 'stream', missing: 35, extra: 6, stale: 97, max_staleness_ms: 2_420, validate_accuracy: null, started_ms: 15_100, ended_ms: 24_800,
      actions: [{ action: 'apply-connectors', ms: 640 }, { action: 'replay-sink', ms: 2_210 }, { action: 'disable-trigger', ms: 15 }],
      settled: { missing: 0, extra: 0, stale: 0, trigger_failed: 0, lost: 0, lost_ids: [], settle_ms: 2_400 },
      trigger_backlog_at_disable: 212,
    });
    expect(json.steps[0]).not.toHaveProperty('trigger_backlog_at_disable');
    expect(json.final).toEqual({ missing: 0, extra: 0, stale: 0, documents: 512, rows: 512 });
    expect(json.cutover_ms).toBe(640 + 2_210 + 15);
    expect(json.drain_ms).toBe(2_400);
  });

  it('gives the samples as the timeline, a disabled trigger as null lag, not zero', () => {
    expect(rehearsalJson(report).timeline).toEqual([
      { at_ms: 1_000, step: 'trigger', phase: 'trigger', writes: 100, missing: 3, extra: 1, stale: 9, max_staleness_ms: 2_100, trigger_lag_ms: 2_050, stream_lag_ms: null },
      { at_ms: 16_000, step: 'cut-over', phase: 'stream', writes: 1_500, missing: 3, extra: 1, stale: 9, max_staleness_ms: 2_100, trigger_lag_ms: null, stream_lag_ms: 120 },
    ]);
  });

  it('has no cut-over time when the walk had no cut-over', () => {
    expect(rehearsalJson({ ...report, steps: steps.slice(0, 2) }).cutover_ms).toBeNull();
  });

  it('passes only when no move lost a change and the final comparison finds nothing missing, extra or stale', () => {
    expect(rehearsalPassed(report)).toBe(true);
    expect(rehearsalPassed({ ...report, final: { ...report.final, stale: ['a'] } })).toBe(false);
    expect(rehearsalPassed({ ...report, final: { ...report.final, extra: ['a'] } })).toBe(false);
    expect(rehearsalPassed({ ...report, final: { ...report.final, missing: ['a'] } })).toBe(false);
    const lossy = { ...report, steps: [...steps.slice(0, 3), { ...steps[3]!, settled: settled(1, 1) }] };
    expect(lostByMoves(lossy)).toBe(1);
    expect(rehearsalPassed(lossy)).toBe(false);
  });

  it('says in text what ran (a stand-in and an emulator), each step with its losses, and the verdict', () => {
    const text = formatRehearsalText({ ...report, final: { ...report.final, missing: ['a', 'b'] } });
    expect(text).toContain('Atlas trigger EMULATOR — not MongoDB, not Atlas');
    expect(text).toContain('  rollback stream → shadow   ');
    expect(text).toContain('  cut-over (shadow → stream)   ');
    expect(text).toContain('99.20 %');
    expect(text).toContain('512 documents, 512 rows: 2 missing, 0 extra, 0 stale; 0 lost by the moves — NOT gapless');
    expect(formatRehearsalText(report)).toContain('— gapless');
  });
});
