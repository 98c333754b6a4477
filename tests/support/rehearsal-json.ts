import type { MigrationPhase } from '../../config/schema';
import type { RehearsalJson, RehearsalStep, RehearsalTimelinePoint } from '../../local/rehearsal-report';

/**
 * A rehearsal report shaped like a real one, for the tests of its HTML page: 60 one-second samples,
 * about 100 writes a second with noise until the writes stop for the drain, the emulated trigger
 * lagging about 2 s until the cut-over disables it (then null), re-enabled by the rollback and
 * disabled again, the stream's lag a few hundred ms while a sink runs, and ten steps including a
 * rollback. The noise comes from a seeded generator: the same data on every run.
 */

interface StepPlan {
  readonly step: string;
  readonly from: string;
  readonly to: string;
  readonly seconds: number;
  readonly phase: MigrationPhase;
  readonly trigger: boolean;
  readonly stream: boolean;
  readonly writing: boolean;
}

const PLAN: readonly StepPlan[] = [
  { step: 'trigger → shadow', from: 'trigger', to: 'shadow', seconds: 4, phase: 'shadow', trigger: true, stream: false, writing: true },
  { step: 'shadow', from: 'shadow', to: 'shadow', seconds: 10, phase: 'shadow', trigger: true, stream: true, writing: true },
  { step: 'cut-over shadow → stream', from: 'shadow', to: 'stream', seconds: 3, phase: 'stream', trigger: true, stream: true, writing: true },
  { step: 'stream', from: 'stream', to: 'stream', seconds: 8, phase: 'stream', trigger: false, stream: true, writing: true },
  { step: 'rollback stream → shadow', from: 'stream', to: 'shadow', seconds: 3, phase: 'shadow', trigger: true, stream: true, writing: true },
  { step: 'shadow (after rollback)', from: 'shadow', to: 'shadow', seconds: 8, phase: 'shadow', trigger: true, stream: true, writing: true },
  { step: 'cut-over shadow → stream (again)', from: 'shadow', to: 'stream', seconds: 3, phase: 'stream', trigger: true, stream: true, writing: true },
  { step: 'stream (again)', from: 'stream', to: 'stream', seconds: 9, phase: 'stream', trigger: false, stream: true, writing: true },
  { step: 'drain', from: 'stream', to: 'stream', seconds: 6, phase: 'stream', trigger: false, stream: true, writing: false },
  { step: 'final comparison', from: 'stream', to: 'stream', seconds: 6, phase: 'stream', trigger: false, stream: false, writing: false },
];

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function timeline(plan: readonly StepPlan[], random: () => number): RehearsalTimelinePoint[] {
  const points: RehearsalTimelinePoint[] = [];
  let writes = 0;
  let second = 0;
  for (const step of plan) {
    for (let index = 0; index < step.seconds; index += 1, second += 1) {
      if (step.writing && second > 0) writes += 90 + Math.floor(random() * 21);
      const missing = step.trigger ? 15 + Math.floor(random() * 10) : step.writing ? Math.floor(random() * 2) : 0;
      const stale = step.trigger ? 40 + Math.floor(random() * 30) : step.writing ? Math.floor(random() * 3) : 0;
      points.push({
        at_ms: second * 1000 + Math.floor(random() * 20),
        step: step.step,
        phase: step.phase,
        writes,
        missing,
        extra: step.trigger ? Math.floor(random() * 4) : 0,
        stale,
        max_staleness_ms: step.trigger ? 2_000 + Math.floor(random() * 600) : stale > 0 ? 150 + Math.floor(random() * 200) : 0,
        trigger_lag_ms: step.trigger ? Math.round(2_000 + (random() - 0.5) * 800) : null,
        stream_lag_ms: step.stream ? Math.round(250 + random() * 250) : null,
      });
    }
  }
  return points;
}

function worst(points: readonly RehearsalTimelinePoint[], key: 'missing' | 'extra' | 'stale' | 'max_staleness_ms'): number {
  return Math.max(0, ...points.map((point) => point[key]));
}

function steps(plan: readonly StepPlan[], points: readonly RehearsalTimelinePoint[]): RehearsalStep[] {
  return plan.map(({ step, from, to }) => {
    const during = points.filter((point) => point.step === step);
    return {
      step, from, to,
      missing: worst(during, 'missing'), extra: worst(during, 'extra'), stale: worst(during, 'stale'), max_staleness_ms: worst(during, 'max_staleness_ms'),
      validate_accuracy: to === 'shadow' ? 98.4 : null,
      started_ms: during[0]?.at_ms ?? 0,
      ended_ms: during.at(-1)?.at_ms ?? 0,
      actions: from === to ? [] : [{ action: 'apply-connectors', ms: 640 }, { action: 'replay-sink', ms: 2_200 }],
      settled: { missing: 2, extra: 1, stale: 3, trigger_failed: to === 'stream' ? 0 : 6, lost: 0, lost_ids: [], settle_ms: 2_300 },
    };
  });
}

export interface RealisticRehearsalOptions {
  /**
   * Renames steps, by their position in the plan (the name is also what the timeline points carry).
   * @default none
   */
  readonly stepNames?: Readonly<Record<number, string>>;
  /**
   * The final comparison's counts.
   * @default { missing: 0, extra: 0, stale: 0 } (gapless)
   */
  readonly final?: { readonly missing: number; readonly extra: number; readonly stale: number };
}

export function realisticRehearsalJson(options: RealisticRehearsalOptions = {}): RehearsalJson {
  const plan = PLAN.map((step, index) => ({ ...step, step: options.stepNames?.[index] ?? step.step }));
  const points = timeline(plan, seeded(13));
  const total = points.at(-1)?.writes ?? 0;
  const deletes = Math.round(total * 0.05);
  const final = options.final ?? { missing: 0, extra: 0, stale: 0 };
  return {
    steps: steps(plan, points),
    timeline: points,
    final: { ...final, documents: 1_200, rows: 1_200 + final.extra - final.missing },
    writes: { insert: 1_200 + deletes, update: total - 1_200 - 2 * deletes - 40, replace: 40, delete: deletes, total },
    trigger: { applied: 1_480, failed: 31, skipped: 6, maxLagMs: 2_412 },
    cutover_ms: 2_100,
    drain_ms: 480,
  };
}

/** The plan's step names in order, for assertions. */
export const REALISTIC_STEP_NAMES: readonly string[] = PLAN.map((step) => step.step);
