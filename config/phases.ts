import { MIGRATION_PHASES, type MigrationPhase } from './schema';

/**
 * The rules of the migration off Atlas Triggers, one collection at a time (DESIGN.md, "Migration off
 * Atlas Triggers"). A collection moves forward one phase at a time; rolling back is setting the phase
 * back. What each phase means for the Atlas trigger and for the connectors is stated here once; the
 * atlas stack and the connector render implement it, and the tests hold them to it.
 */
export interface PhaseBehaviour {
  /** What the Atlas trigger does in this phase. */
  readonly trigger: 'enabled' | 'disabled' | 'removed';
  /** Which warehouse table the stream path's sink writes, or `none` when the stream path does not run. */
  readonly sinkTarget: 'none' | 'shadow' | 'production';
  /** Who writes the production table. */
  readonly productionWriter: 'trigger' | 'stream';
  readonly summary: string;
}

export const PHASE_BEHAVIOUR: Readonly<Record<MigrationPhase, PhaseBehaviour>> = {
  trigger: {
    trigger: 'enabled',
    sinkTarget: 'none',
    productionWriter: 'trigger',
    summary: 'only the Atlas trigger feeds the warehouse; no connector runs for the collection',
  },
  shadow: {
    trigger: 'enabled',
    sinkTarget: 'shadow',
    productionWriter: 'trigger',
    summary: 'the trigger still writes <table>; the stream path writes <table>_shadow so the two can be compared',
  },
  stream: {
    trigger: 'disabled',
    sinkTarget: 'production',
    productionWriter: 'stream',
    summary: 'the stream path writes <table>; the trigger stays defined but disabled, ready for a rollback',
  },
  decommissioned: {
    trigger: 'removed',
    sinkTarget: 'production',
    productionWriter: 'stream',
    summary: 'the stream path writes <table>; the trigger is gone',
  },
};

export type TransitionKind = 'unchanged' | 'forward' | 'rollback';

export type TransitionCheck =
  | { readonly allowed: true; readonly from: MigrationPhase; readonly to: MigrationPhase; readonly kind: TransitionKind; readonly description: string }
  | { readonly allowed: false; readonly from: MigrationPhase; readonly to: MigrationPhase; readonly reason: string };

type Rule = { readonly allowed: true; readonly description: string } | { readonly allowed: false; readonly reason: string };

/**
 * Every ordered pair of phases, each either allowed (with what it does) or refused (with why).
 * Forward moves go one phase at a time, so that the stream path is compared before it replaces the
 * trigger and runs alone before the trigger is deleted. Rolling back may jump, except out of
 * `decommissioned`, where the trigger has been deleted with its resume token.
 */
const RULES: Readonly<Record<MigrationPhase, Readonly<Record<MigrationPhase, Rule>>>> = {
  trigger: {
    trigger: { allowed: true, description: 'no change' },
    shadow: { allowed: true, description: 'start the stream path beside the trigger, writing the shadow table' },
    stream: {
      allowed: false,
      reason: 'skips shadow: the stream path has not been compared with the trigger yet (move to shadow and pass `cdcctl migrate validate` first)',
    },
    decommissioned: {
      allowed: false,
      reason: 'skips shadow and stream: the trigger would be deleted before the stream path has run or been compared',
    },
  },
  shadow: {
    trigger: { allowed: true, description: 'rollback: stop the stream path; the trigger kept writing the production table throughout' },
    shadow: { allowed: true, description: 'no change' },
    stream: {
      allowed: true,
      description: 'cut-over: the sink writes the production table and replays its topic from the earliest offset (migrate cutover), then the trigger is disabled',
    },
    decommissioned: {
      allowed: false,
      reason: 'skips stream: the trigger would be deleted while it is still the only writer of the production table',
    },
  },
  stream: {
    trigger: { allowed: true, description: 'rollback: re-enable the trigger (it resumes from its resume token), then stop the stream path' },
    shadow: {
      allowed: true,
      description: 'rollback: re-enable the trigger (it resumes from its resume token), then move the sink back to the shadow table and replay its topic into it (migrate cutover)',
    },
    stream: { allowed: true, description: 'no change' },
    decommissioned: { allowed: true, description: 'delete the disabled trigger; the stream path stays as it is' },
  },
  decommissioned: {
    trigger: {
      allowed: false,
      reason:
        'the trigger was deleted with its resume token: recreated, it would start from now and miss every change made meanwhile; go back to stream first (the trigger is recreated disabled), then roll back from there once its absence has been accounted for',
    },
    shadow: {
      allowed: false,
      reason: 'the trigger was deleted with its resume token: go back to stream first (the trigger is recreated disabled), then roll back from there',
    },
    stream: { allowed: true, description: 'rollback: recreate the trigger, disabled; the stream path stays as it is' },
    decommissioned: { allowed: true, description: 'no change' },
  },
};

export function isMigrationPhase(value: string): value is MigrationPhase {
  return (MIGRATION_PHASES as readonly string[]).includes(value);
}

export function checkTransition(from: MigrationPhase, to: MigrationPhase): TransitionCheck {
  const rule = RULES[from][to];
  if (!rule.allowed) return { allowed: false, from, to, reason: rule.reason };
  const order = MIGRATION_PHASES.indexOf(to) - MIGRATION_PHASES.indexOf(from);
  const kind: TransitionKind = order === 0 ? 'unchanged' : order > 0 ? 'forward' : 'rollback';
  return { allowed: true, from, to, kind, description: rule.description };
}

/** The phase a collection may move to next, or undefined once it is decommissioned. */
export function nextPhase(phase: MigrationPhase): MigrationPhase | undefined {
  return MIGRATION_PHASES[MIGRATION_PHASES.indexOf(phase) + 1];
}
