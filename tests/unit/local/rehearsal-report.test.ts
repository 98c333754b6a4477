import type { CutoverRehearsalReport } from '../../../local/cutover-rehearsal';
import { formatRehearsalText, rehearsalJson, rehearsalPassed } from '../../../local/rehearsal-report';

const sample = (atMs: number, phase: 'shadow' | 'cut-over' | 'stream' | 'drain', missing: number, extra: number, stale: number, maxStalenessMs: number) => ({ atMs, phase, missing, extra, stale, maxStalenessMs });

const report: CutoverRehearsalReport = {
  writes: { insert: 10, update: 20, replace: 3, delete: 5, total: 38 },
  trigger: { applied: 12, failed: 1, skipped: 2, maxLagMs: 7_000, unprocessedAtDisable: 23 },
  cutoverMs: 1_900,
  samples: [sample(0, 'shadow', 0, 0, 0, 0), sample(1000, 'shadow', 7, 2, 3, 4_100), sample(2000, 'cut-over', 9, 3, 1, 5_000), sample(3000, 'stream', 1, 0, 2, 300)],
  maxStalenessMs: 5_000,
  final: { documents: 4, rows: 4, missing: [], extra: [], stale: [], maxStalenessMs: 0 },
  drainMs: 500,
};

describe('the rehearsal report', () => {
  it("gives each step the worst counts of its samples, in issue 13's JSON shape; a step without samples is all zero", () => {
    const json = rehearsalJson(report);
    expect(json.steps).toEqual([
      { step: 'shadow', from: 'trigger', to: 'shadow', missing: 7, extra: 2, stale: 3, max_staleness_ms: 4_100, validate_accuracy: null, started_ms: 0, ended_ms: 1000 },
      { step: 'cut-over', from: 'shadow', to: 'stream', missing: 9, extra: 3, stale: 1, max_staleness_ms: 5_000, validate_accuracy: null, started_ms: 2000, ended_ms: 2000 },
      { step: 'stream', from: 'stream', to: 'stream', missing: 1, extra: 0, stale: 2, max_staleness_ms: 300, validate_accuracy: null, started_ms: 3000, ended_ms: 3000 },
      { step: 'drain', from: 'stream', to: 'stream', missing: 0, extra: 0, stale: 0, max_staleness_ms: 0, validate_accuracy: null, started_ms: 0, ended_ms: 0 },
    ]);
    expect(json.final).toEqual({ missing: 0, extra: 0, stale: 0, documents: 4, rows: 4 });
  });

  it('passes only when the final comparison finds nothing missing, extra or stale', () => {
    expect(rehearsalPassed(report)).toBe(true);
    expect(rehearsalPassed({ ...report, final: { ...report.final, stale: ['a'] } })).toBe(false);
  });

  it('says in text what ran (a stand-in and an emulator), the trigger backlog and the verdict', () => {
    const text = formatRehearsalText({ ...report, final: { ...report.final, missing: ['a', 'b'] } });
    expect(text).toContain('Atlas trigger EMULATOR — not MongoDB, not Atlas');
    expect(text).toContain('disabled 23 changes behind');
    expect(text).toContain('4 documents, 4 rows: 2 missing, 0 extra, 0 stale — NOT gapless');
  });
});
