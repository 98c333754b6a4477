import type { MigrationPhase } from '../config/schema';
import type { CutoverRehearsalReport, RehearsalStepResult } from './cutover-rehearsal';
import type { RehearsalAction } from './rehearsal-walk';

/**
 * A migration rehearsal's report as `cdcctl migrate rehearse` prints it (issue 13's shape): one entry per
 * step of the walk, with the worst counts the production table showed against the collection during
 * it, the comparison once the writers had caught up after it (`settled`: what the trigger's own failed
 * runs explain, and what the move lost), `migrate validate`'s accuracy in steps that end in shadow, and
 * the final comparison; the once-a-second timeline for the HTML report.
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
  /** The move's actions (runbook commands), each with how long it took. */
  readonly actions: ReadonlyArray<{ readonly action: RehearsalAction; readonly ms: number }>;
  readonly settled: { readonly missing: number; readonly extra: number; readonly stale: number; readonly trigger_failed: number; readonly lost: number; readonly lost_ids: readonly string[]; readonly settle_ms: number };
  readonly trigger_backlog_at_disable?: number;
}

/** One sample of the rehearsal, once a second: the production table against the collection, and each writer's lag. */
export interface RehearsalTimelinePoint {
  /** ms since the load started. */
  readonly at_ms: number;
  /** The step under way. */
  readonly step: string;
  /** The collection's phase at that moment. */
  readonly phase: MigrationPhase;
  /** Changes written to the collection so far (cumulative: writes per second is the difference). */
  readonly writes: number;
  readonly missing: number;
  readonly extra: number;
  readonly stale: number;
  readonly max_staleness_ms: number;
  /** How far behind the trigger is (since its oldest change not yet run was seen), ms; null while it is disabled or removed. */
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
  /** The first cut-over's move: the sink's switch and replay until the trigger's disable. */
  readonly cutover_ms: number | null;
  /** How long the last step took to settle once the writes stopped. */
  readonly drain_ms: number;
}

function stepJson(step: RehearsalStepResult): RehearsalStep {
  const { settled } = step;
  return {
    step: step.step, from: step.from, to: step.to, missing: step.missing, extra: step.extra, stale: step.stale, max_staleness_ms: step.maxStalenessMs,
    validate_accuracy: step.validateAccuracy, started_ms: step.startedMs, ended_ms: step.endedMs,
    actions: step.actions.map(({ action, ms }) => ({ action, ms })),
    settled: { missing: settled.missing, extra: settled.extra, stale: settled.stale, trigger_failed: settled.triggerFailed, lost: settled.lost, lost_ids: settled.lostIds, settle_ms: settled.settleMs },
    ...(step.triggerBacklogAtDisable === undefined ? {} : { trigger_backlog_at_disable: step.triggerBacklogAtDisable }),
  };
}

export function rehearsalJson(report: CutoverRehearsalReport): RehearsalJson {
  const { final } = report;
  const cutover = report.steps.find((step) => step.step === 'cut-over');
  return {
    steps: report.steps.map(stepJson),
    timeline: report.samples,
    final: { missing: final.missing.length, extra: final.extra.length, stale: final.stale.length, documents: final.documents, rows: final.rows },
    writes: report.writes,
    trigger: report.trigger,
    cutover_ms: cutover ? cutover.actions.reduce((sum, action) => sum + action.ms, 0) : null,
    drain_ms: report.steps.at(-1)?.settled.settleMs ?? 0,
  };
}

/** Changes lost by the moves: what no step's settled comparison could put down to the trigger's own failed runs. */
export function lostByMoves(report: CutoverRehearsalReport): number {
  return report.steps.reduce((sum, step) => sum + step.settled.lost, 0);
}

/** The rehearsal passed: no move lost a change, and at the end nothing is missing, extra or stale. */
export function rehearsalPassed(report: CutoverRehearsalReport): boolean {
  return rehearsalJsonPassed(rehearsalJson(report));
}

/** The same verdict from the JSON report (the HTML page's). */
export function rehearsalJsonPassed(json: Pick<RehearsalJson, 'steps' | 'final'>): boolean {
  return json.steps.every((step) => step.settled.lost === 0) && json.final.missing + json.final.extra + json.final.stale === 0;
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

export function formatRehearsalText(report: CutoverRehearsalReport): string {
  const json = rehearsalJson(report);
  const { writes, trigger } = json;
  const lines = [
    `rehearsal on the local runtime (MongoDB stand-in, Atlas trigger EMULATOR — not MongoDB, not Atlas)`,
    `  writes   ${writes.total} (${writes.insert} inserts, ${writes.update} updates, ${writes.replace} replaces, ${writes.delete} deletes)`,
    `  trigger  ${trigger.applied} applied, ${trigger.failed} failed, ${trigger.skipped} skipped; lag up to ${trigger.maxLagMs} ms`,
    `  cut-over ${json.cutover_ms ?? '-'} ms (the sink's switch and replay, then the trigger's disable)`,
    '  step                                     during: missing extra stale staleness | settled: missing extra stale trigger-failed LOST | validate',
    ...json.steps.map(
      (step) =>
        `  ${`${step.step}${step.from === step.to || step.step.includes('→') ? '' : ` (${step.from} → ${step.to})`}`.padEnd(40)} ${pad(step.missing, 17)} ${pad(step.extra, 5)} ${pad(step.stale, 5)} ${pad(`${step.max_staleness_ms} ms`, 9)} |` +
        ` ${pad(step.settled.missing, 15)} ${pad(step.settled.extra, 5)} ${pad(step.settled.stale, 5)} ${pad(step.settled.trigger_failed, 14)} ${pad(step.settled.lost, 4)} | ${step.validate_accuracy === null ? '-' : `${step.validate_accuracy.toFixed(2)} %`}`,
    ),
    `  final    ${json.final.documents} documents, ${json.final.rows} rows: ${json.final.missing} missing, ${json.final.extra} extra, ${json.final.stale} stale; ${lostByMoves(report)} lost by the moves — ${rehearsalPassed(report) ? 'gapless' : 'NOT gapless'}`,
  ];
  return `${lines.join('\n')}\n`;
}
