import type { MigrationPhase } from '../config/schema';
import type { CutoverRehearsalReport, RehearsalSample } from './cutover-rehearsal';

/**
 * A cut-over rehearsal's report as `cdcctl migrate rehearse` prints it (issue 13's shape): one step per
 * phase the collection went through, with the worst counts the production table showed against the
 * collection in it, and the final comparison. `validate_accuracy` is null: the rehearsal does not run
 * `migrate validate` yet.
 */
export interface RehearsalStep {
  readonly step: string;
  readonly from: string;
  readonly to: string;
  readonly missing: number;
  readonly extra: number;
  readonly stale: number;
  readonly max_staleness_ms: number;
  readonly validate_accuracy: number | null;
  /** When the step began and ended, ms since the load started (the phase boundaries of the timeline). */
  readonly started_ms: number;
  readonly ended_ms: number;
}

/** One sample of the rehearsal, once a second: the production table against the collection, and each writer's lag. */
export interface RehearsalTimelinePoint {
  /** ms since the load started. */
  readonly at_ms: number;
  /** The step under way. */
  readonly step: string;
  /** The collection's phase at that moment. */
  readonly phase: MigrationPhase | 'cut-over';
  /** Changes written to the collection so far (cumulative: writes per second is the difference). */
  readonly writes: number;
  readonly missing: number;
  readonly extra: number;
  readonly stale: number;
  readonly max_staleness_ms: number;
  /** How far the trigger's last run was behind its change, ms; null while the trigger is disabled or removed. */
  readonly trigger_lag_ms: number | null;
  /** The worst staleness of the table the sink writes (shadow or production), ms; null while no sink runs. */
  readonly stream_lag_ms: number | null;
}

export interface RehearsalJson {
  readonly steps: readonly RehearsalStep[];
  readonly timeline: readonly RehearsalTimelinePoint[];
  readonly final: { readonly missing: number; readonly extra: number; readonly stale: number; readonly documents: number; readonly rows: number };
  readonly writes: CutoverRehearsalReport['writes'];
  readonly trigger: CutoverRehearsalReport['trigger'];
  readonly cutover_ms: number;
  readonly drain_ms: number;
}

const STEPS: ReadonlyArray<{ phase: RehearsalSample['phase']; step: string; from: string; to: string }> = [
  { phase: 'shadow', step: 'shadow', from: 'trigger', to: 'shadow' },
  { phase: 'cut-over', step: 'cut-over', from: 'shadow', to: 'stream' },
  { phase: 'stream', step: 'stream', from: 'stream', to: 'stream' },
  { phase: 'drain', step: 'drain', from: 'stream', to: 'stream' },
];

function worst(samples: readonly RehearsalSample[], key: 'missing' | 'extra' | 'stale' | 'maxStalenessMs'): number {
  return Math.max(0, ...samples.map((sample) => sample[key]));
}

export function rehearsalJson(report: CutoverRehearsalReport): RehearsalJson {
  const steps = STEPS.map(({ phase, ...names }) => {
    const samples = report.samples.filter((sample) => sample.phase === phase);
    const started_ms = samples[0]?.atMs ?? 0;
    return { ...names, missing: worst(samples, 'missing'), extra: worst(samples, 'extra'), stale: worst(samples, 'stale'), max_staleness_ms: worst(samples, 'maxStalenessMs'), validate_accuracy: null, started_ms, ended_ms: samples.at(-1)?.atMs ?? started_ms };
  });
  const timeline = report.samples.map((sample) => ({
    at_ms: sample.atMs, step: sample.phase, phase: sample.phase === 'drain' ? ('stream' as const) : sample.phase, writes: 0,
    missing: sample.missing, extra: sample.extra, stale: sample.stale, max_staleness_ms: sample.maxStalenessMs, trigger_lag_ms: null, stream_lag_ms: null,
  }));
  const { final } = report;
  return {
    steps,
    timeline,
    final: { missing: final.missing.length, extra: final.extra.length, stale: final.stale.length, documents: final.documents, rows: final.rows },
    writes: report.writes,
    trigger: report.trigger,
    cutover_ms: report.cutoverMs,
    drain_ms: report.drainMs,
  };
}

/** The rehearsal passed: after the drain, nothing missing, extra or stale. */
export function rehearsalPassed(report: CutoverRehearsalReport): boolean {
  return report.final.missing.length + report.final.extra.length + report.final.stale.length === 0;
}

export function formatRehearsalText(report: CutoverRehearsalReport): string {
  const json = rehearsalJson(report);
  const { writes, trigger } = json;
  const lines = [
    `rehearsal on the local runtime (MongoDB stand-in, Atlas trigger EMULATOR — not MongoDB, not Atlas)`,
    `  writes        ${writes.total} (${writes.insert} inserts, ${writes.update} updates, ${writes.replace} replaces, ${writes.delete} deletes)`,
    `  trigger       ${trigger.applied} applied, ${trigger.failed} failed, ${trigger.skipped} skipped; lag up to ${trigger.maxLagMs} ms; disabled ${trigger.unprocessedAtDisable} changes behind`,
    `  cut-over      ${json.cutover_ms} ms (sink stopped → trigger disabled); drain ${json.drain_ms} ms`,
    '  step        from     → to        missing  extra  stale  max staleness',
    ...json.steps.map((step) => `  ${step.step.padEnd(10)}  ${step.from.padEnd(8)} → ${step.to.padEnd(8)} ${String(step.missing).padStart(8)} ${String(step.extra).padStart(6)} ${String(step.stale).padStart(6)}  ${step.max_staleness_ms} ms`),
    `  final         ${json.final.documents} documents, ${json.final.rows} rows: ${json.final.missing} missing, ${json.final.extra} extra, ${json.final.stale} stale — ${rehearsalPassed(report) ? 'gapless' : 'NOT gapless'}`,
  ];
  return `${lines.join('\n')}\n`;
}
