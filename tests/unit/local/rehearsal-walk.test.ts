import fs from 'node:fs';
import path from 'node:path';
import { loadEnvironment, type Environment, type MigrationPhase } from '../../../config';
import { checkTransition } from '../../../config/phases';
import { orders } from '../../../connectors/pipelines/orders';
import { CUTOVER_WALK, FULL_WALK, rehearsalActions, triggerActionInto, walk, type RehearsalAction } from '../../../local/rehearsal-walk';
import { transitionPlan } from '../../../migration/status';

function productionWith(phase: MigrationPhase): Environment {
  const production = loadEnvironment('production');
  return { ...production, collections: { ...production.collections, orders: { ...production.collections.orders!, phase } } };
}

/** The commands that change something, as rehearsal actions, in their order; the rest (edits, checks, validate) left out. */
function actionsOf(commands: readonly string[], to: MigrationPhase): RehearsalAction[] {
  return commands.flatMap((command): RehearsalAction[] => {
    if (/^npx cdktf deploy atlas-/.test(command)) return [triggerActionInto(to)];
    if (/^npx cdcctl connectors apply /.test(command)) return ['apply-connectors'];
    if (/^npx cdcctl migrate cutover /.test(command)) return ['replay-sink'];
    return [];
  });
}

const runbook = fs.readFileSync(path.join(__dirname, '../../../docs/runbooks/cutover-and-rollback.md'), 'utf8');

/** The `npx` lines of the runbook's first code block after `heading`. */
function runbookCommands(heading: string): string[] {
  const at = runbook.indexOf(heading);
  expect(at).toBeGreaterThanOrEqual(0);
  const block = runbook.slice(runbook.indexOf('```sh', at) + 5, runbook.indexOf('```', runbook.indexOf('```sh', at) + 5));
  return block.split('\n').filter((line) => line.startsWith('npx '));
}

const RUNBOOK_SECTIONS: Readonly<Record<string, string>> = {
  'trigger->shadow': '## 1. `trigger` → `shadow`',
  'shadow->stream': '## 3. `shadow` → `stream`',
  'stream->decommissioned': '## 4. `stream` → `decommissioned`',
  'stream->shadow': '**`stream` → `shadow`**',
  'stream->trigger': '**`stream` → `trigger`**',
  'shadow->trigger': '**`shadow` → `trigger`**',
};

const moves = [...new Map(FULL_WALK.filter((step) => step.from !== step.to).map((step) => [`${step.from}->${step.to}`, step])).values()];

describe('the rehearsal walks what the runbook and migrate transition say', () => {
  it('the full walk makes every move the rules allow short of leaving decommissioned, each rollback among them', () => {
    expect(moves.map((step) => `${step.from}->${step.to}`).sort()).toEqual(Object.keys(RUNBOOK_SECTIONS).sort());
    for (const step of FULL_WALK) expect(checkTransition(step.from, step.to).allowed).toBe(true);
    expect(FULL_WALK.filter((step) => step.step.startsWith('rollback')).map((step) => `${step.from}->${step.to}`)).toEqual(['stream->shadow', 'shadow->trigger', 'stream->trigger']);
    expect(FULL_WALK.at(-1)!.to).toBe('decommissioned');
    expect(CUTOVER_WALK.map((step) => step.step)).toEqual(['shadow', 'cut-over', 'decommission']);
  });

  it.each(moves.map((step) => [`${step.from} → ${step.to}`, step] as const))("%s: the rehearsal's actions are migrate transition's commands, in its order", (_name, step) => {
    const plan = transitionPlan(productionWith(step.from), orders, step.to);
    expect(rehearsalActions(step.from, step.to)).toEqual(actionsOf(plan.steps, step.to));
  });

  it.each(moves.map((step) => [`${step.from} → ${step.to}`, step] as const))("%s: the runbook's commands are the rehearsal's actions, in its order", (_name, step) => {
    expect(rehearsalActions(step.from, step.to)).toEqual(actionsOf(runbookCommands(RUNBOOK_SECTIONS[`${step.from}->${step.to}`]!), step.to));
  });

  it('going back, the trigger starts before the stream path leaves the production table; going forward, it stops last', () => {
    for (const from of ['stream'] as const) for (const to of ['shadow', 'trigger'] as const) expect(rehearsalActions(from, to)[0]).toBe('enable-trigger');
    expect(rehearsalActions('shadow', 'stream').at(-1)).toBe('disable-trigger');
    expect(rehearsalActions('shadow', 'stream').indexOf('replay-sink')).toBeLessThan(rehearsalActions('shadow', 'stream').indexOf('disable-trigger'));
  });

  it('refuses to walk a move the rules refuse, with their reason', () => {
    expect(() => walk(['trigger', 'stream'])).toThrow(/the rehearsal cannot walk trigger → stream: skips shadow/);
    expect(() => walk(['decommissioned', 'trigger'])).toThrow(/resume token/);
    expect(() => rehearsalActions('decommissioned', 'stream')).toThrow('the rehearsal has no actions for decommissioned → stream');
    expect(rehearsalActions('shadow', 'shadow')).toEqual([]);
  });
});
