import { checkTransition, PHASE_BEHAVIOUR } from '../config/phases';
import type { MigrationPhase } from '../config/schema';

/**
 * The paths a migration rehearsal walks a collection through (issue 13), and what each move does, in
 * the order `cdcctl migrate transition` prints it and the runbook (docs/runbooks/cutover-and-rollback.md)
 * says it — tests/unit/local/rehearsal-walk.test.ts holds the three together. Every move is checked
 * against config/phases.ts's rules: the rehearsal cannot walk a path the rules refuse.
 */

export interface WalkStep {
  /** `trigger`, `shadow`, `validate`, `cut-over`, `rollback <from> → <to>` or `decommission`. */
  readonly step: string;
  readonly from: MigrationPhase;
  readonly to: MigrationPhase;
}

/**
 * What a move does, one runbook command each:
 * - `apply-connectors`: `cdcctl connectors apply` of the new phase (with `--prune` where the stream path goes);
 * - `replay-sink`: `cdcctl migrate cutover`, the sink replaying its topic from the earliest offset into its table;
 * - `enable-trigger`, `disable-trigger`, `remove-trigger`: the atlas stack's deploy.
 */
export type RehearsalAction = 'apply-connectors' | 'replay-sink' | 'enable-trigger' | 'disable-trigger' | 'remove-trigger';

const ACTIONS: Readonly<Record<string, readonly RehearsalAction[]>> = {
  // The replay refills the shadow: after a rollback from stream it missed what the sink wrote to the production table.
  'trigger->shadow': ['apply-connectors', 'replay-sink'],
  // The sink's switch and its replay first, the trigger's disable last: the trigger's backlog is in the replay.
  'shadow->stream': ['apply-connectors', 'replay-sink', 'disable-trigger'],
  // Back: the trigger first (it resumes from its token, before the switch), then the sink leaves the table.
  'stream->shadow': ['enable-trigger', 'apply-connectors', 'replay-sink'],
  'stream->trigger': ['enable-trigger', 'apply-connectors'],
  'shadow->trigger': ['apply-connectors'],
  'stream->decommissioned': ['remove-trigger'],
};

/** The actions of a move, in order; none for a step that stays in its phase. */
export function rehearsalActions(from: MigrationPhase, to: MigrationPhase): readonly RehearsalAction[] {
  if (from === to) return [];
  const actions = ACTIONS[`${from}->${to}`];
  if (!actions) throw new Error(`the rehearsal has no actions for ${from} → ${to}`);
  return actions;
}

/** What the atlas stack's deploy does to the trigger in a move into `to`. */
export function triggerActionInto(to: MigrationPhase): RehearsalAction {
  const trigger = PHASE_BEHAVIOUR[to].trigger;
  return trigger === 'enabled' ? 'enable-trigger' : trigger === 'disabled' ? 'disable-trigger' : 'remove-trigger';
}

function stepName(from: MigrationPhase, to: MigrationPhase): string {
  const check = checkTransition(from, to);
  if (!check.allowed) throw new Error(`the rehearsal cannot walk ${from} → ${to}: ${check.reason}`);
  if (check.kind === 'unchanged') return from === 'shadow' ? 'validate' : from;
  if (check.kind === 'rollback') return `rollback ${from} → ${to}`;
  return { shadow: 'shadow', stream: 'cut-over', decommissioned: 'decommission', trigger: 'trigger' }[to];
}

/** The steps between consecutive phases of `phases`, each checked against the rules. */
export function walk(phases: readonly MigrationPhase[]): WalkStep[] {
  return phases.slice(1).map((to, index) => ({ step: stepName(phases[index]!, to), from: phases[index]!, to }));
}

/**
 * Forward to the stream, each rollback once (stream → shadow, shadow → trigger, stream → trigger),
 * forward again, and decommissioned at the end: 12 steps.
 */
export const FULL_WALK: readonly WalkStep[] = walk([
  'trigger', 'trigger', 'shadow', 'shadow', 'stream', 'shadow', 'trigger', 'shadow', 'stream', 'trigger', 'shadow', 'stream', 'decommissioned',
]);

/** The cut-over alone: trigger → shadow → stream → decommissioned. */
export const CUTOVER_WALK: readonly WalkStep[] = walk(['trigger', 'shadow', 'stream', 'decommissioned']);
