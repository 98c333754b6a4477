import fs from 'node:fs';
import path from 'node:path';
import { Testing } from 'cdktf';
import { loadEnvironment, MIGRATION_PHASES, type Environment, type MigrationPhase } from '../../../config';
import { checkTransition, isMigrationPhase, nextPhase, PHASE_BEHAVIOUR } from '../../../config/phases';
import { orders } from '../../../connectors/pipelines/orders';
import { renderEnvironment } from '../../../connectors/render';
import { collectionStatuses, formatStatusText, transitionPlan } from '../../../migration/status';
import { AtlasStack } from '../../../stacks/atlas-stack';

/** Every ordered pair of phases and what the rules say of it. */
const EXPECTED: Record<MigrationPhase, Record<MigrationPhase, 'unchanged' | 'forward' | 'rollback' | 'refused'>> = {
  trigger: { trigger: 'unchanged', shadow: 'forward', stream: 'refused', decommissioned: 'refused' },
  shadow: { trigger: 'rollback', shadow: 'unchanged', stream: 'forward', decommissioned: 'refused' },
  stream: { trigger: 'rollback', shadow: 'rollback', stream: 'unchanged', decommissioned: 'forward' },
  decommissioned: { trigger: 'refused', shadow: 'refused', stream: 'rollback', decommissioned: 'unchanged' },
};

const pairs = MIGRATION_PHASES.flatMap((from) => MIGRATION_PHASES.map((to) => [from, to, EXPECTED[from][to]] as const));

describe('phase names', () => {
  it('accept exactly the four phases, as spelled in the environment files (what migrate transition --to checks)', () => {
    for (const phase of MIGRATION_PHASES) expect(isMigrationPhase(phase)).toBe(true);
    for (const typo of ['Stream', 'streaming', 'cutover', 'decommission', '']) expect({ typo, phase: isMigrationPhase(typo) }).toEqual({ typo, phase: false });
  });
});

describe('phase transitions', () => {
  it.each(pairs)('%s → %s is %s', (from, to, expected) => {
    const check = checkTransition(from, to);
    if (expected === 'refused') {
      expect(check.allowed).toBe(false);
      if (!check.allowed) expect(check.reason.length).toBeGreaterThan(20);
    } else {
      expect(check).toMatchObject({ allowed: true, kind: expected });
    }
  });

  it('moves forward one phase at a time', () => {
    expect(MIGRATION_PHASES.map((phase) => nextPhase(phase))).toEqual(['shadow', 'stream', 'decommissioned', undefined]);
    for (const phase of MIGRATION_PHASES) {
      const forward = MIGRATION_PHASES.filter((to) => checkTransition(phase, to).allowed && MIGRATION_PHASES.indexOf(to) > MIGRATION_PHASES.indexOf(phase));
      expect(forward).toEqual(nextPhase(phase) ? [nextPhase(phase)] : []);
    }
  });

  // `migrate transition` prints the reason of a refusal and the description of a move: each names the
  // phase skipped, what would be lost, or what the move does to the trigger and the stream path.
  it.each([
    ['trigger', 'stream', /skips shadow.*cdcctl migrate validate/],
    ['trigger', 'decommissioned', /skips shadow and stream/],
    ['shadow', 'decommissioned', /skips stream.*only writer of the production table/],
    ['decommissioned', 'trigger', /resume token.*go back to stream first/],
    ['decommissioned', 'shadow', /resume token.*go back to stream first/],
  ] as const)('refuses %s → %s, saying why', (from, to, why) => {
    expect(checkTransition(from, to)).toMatchObject({ allowed: false, reason: expect.stringMatching(why) });
  });

  it.each([
    ['trigger', 'shadow', /start the stream path.*shadow table/],
    ['shadow', 'trigger', /^rollback: stop the stream path/],
    ['shadow', 'stream', /^cut-over: .*migrate cutover.*then the trigger is disabled/],
    ['stream', 'trigger', /^rollback: re-enable the trigger.*then stop the stream path/],
    ['stream', 'shadow', /^rollback: re-enable the trigger \(it resumes from its resume token\), then move the sink back to the shadow table and replay its topic into it/],
    ['stream', 'decommissioned', /delete the disabled trigger/],
    ['decommissioned', 'stream', /^rollback: recreate the trigger, disabled/],
  ] as const)('describes %s → %s by what it does', (from, to, what) => {
    expect(checkTransition(from, to)).toMatchObject({ allowed: true, description: expect.stringMatching(what) });
  });

  it.each(MIGRATION_PHASES)('describes staying in %s as no change', (phase) => {
    expect(checkTransition(phase, phase)).toMatchObject({ allowed: true, kind: 'unchanged', description: 'no change' });
  });
});

function productionWith(phase: MigrationPhase): Environment {
  const production = loadEnvironment('production');
  return { ...production, collections: { ...production.collections, orders: { ...production.collections.orders!, phase } } };
}

function eventTriggers(environment: Environment): Record<string, { name: string; disabled?: boolean }> {
  const app = Testing.app();
  const stack = new AtlasStack(app, 'atlas-production', { environment });
  const synthesized = JSON.parse(Testing.synth(stack)) as { resource?: Record<string, Record<string, { name: string; disabled?: boolean }>> };
  return synthesized.resource?.mongodbatlas_event_trigger ?? {};
}

describe('a collection in each phase: the synthesized atlas stack and the rendered connectors', () => {
  it.each(MIGRATION_PHASES)('phase %s', (phase) => {
    const environment = productionWith(phase);
    const behaviour = PHASE_BEHAVIOUR[phase];

    const trigger = Object.values(eventTriggers(environment)).find((resource) => resource.name === 'syncOrdersToWarehouse');
    if (behaviour.trigger === 'removed') expect(trigger).toBeUndefined();
    else expect(trigger?.disabled).toBe(behaviour.trigger === 'disabled');

    const connectors = renderEnvironment(environment).filter((connector) => connector.pipelines.includes(orders.name));
    const sink = connectors.find((connector) => connector.role === 'sink');
    if (behaviour.sinkTarget === 'none') {
      expect(connectors).toEqual([]);
    } else {
      expect(sink?.config['collection.name.format']).toBe(behaviour.sinkTarget === 'shadow' ? `${orders.table}_shadow` : orders.table);
      expect(connectors.find((connector) => connector.role === 'source')?.config['collection.include.list']).toContain(`${orders.database}.${orders.collection}`);
    }
  });
});

describe('migrate status and transition steps', () => {
  // The status line of a phase says who writes which table and what became of the trigger.
  it.each([
    ['trigger', [/only the Atlas trigger feeds the warehouse/, /no connector runs/]],
    ['shadow', [/the trigger still writes orders;/, /the stream path writes orders_shadow/]],
    ['stream', [/the stream path writes orders;/, /trigger stays defined but disabled/]],
    ['decommissioned', [/the stream path writes orders;/, /the trigger is gone/]],
  ] as const)('says what phase %s means for the orders table', (phase, meanings) => {
    const line = formatStatusText(collectionStatuses(productionWith(phase), [orders])).split('\n').find((text) => text.includes(`phase ${phase}:`));
    for (const meaning of meanings) expect(line).toMatch(meaning);
  });

  it('shows what the stack and the connectors do, and the next step', () => {
    const [status] = collectionStatuses(productionWith('shadow'), [orders]);
    expect(status).toMatchObject({ phase: 'shadow', triggers: [{ name: 'syncOrdersToWarehouse', state: 'enabled' }] });
    expect(status!.connectors.find((connector) => connector.role === 'sink')).toMatchObject({ table: 'orders_shadow' });
    expect(status!.next?.check).toMatchObject({ allowed: true, to: 'stream' });
    expect(status!.rollback?.check).toMatchObject({ allowed: true, to: 'trigger' });
  });

  it('cuts over by moving the sink, replaying its topic, and only then disabling the trigger, after validation (what the rehearsal proved)', () => {
    const steps = transitionPlan(productionWith('shadow'), orders, 'stream').steps;
    const at = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step));
    expect(at(/migrate validate/)).toBe(0);
    expect(at(/connectors apply --env production /)).toBeGreaterThan(at(/phase: 'shadow' → 'stream'/));
    expect(at(/migrate cutover --env production --collection orders/)).toBeGreaterThan(at(/connectors apply/));
    expect(at(/cdktf deploy atlas-production/)).toBeGreaterThan(at(/migrate cutover/));
  });

  it("the runbook's cut-over runs the commands of migrate transition, in its order", () => {
    const runbook = fs.readFileSync(path.join(__dirname, '../../../docs/runbooks/cutover-and-rollback.md'), 'utf8');
    const section = runbook.slice(runbook.indexOf('## 3. `shadow` → `stream`'), runbook.indexOf('## 4.'));
    const commands = (lines: readonly string[]) => lines.filter((line) => line.startsWith('npx ')).map((line) => line.split('#')[0]!.trim());
    expect(commands(section.split('\n'))).toEqual(commands(transitionPlan(productionWith('shadow'), orders, 'stream').steps));
  });

  it('rolls back by re-enabling the trigger before the sink leaves the production table', () => {
    const steps = transitionPlan(productionWith('stream'), orders, 'shadow').steps;
    expect(steps.findIndex((step) => /cdktf deploy atlas-production/.test(step))).toBeLessThan(steps.findIndex((step) => /connectors apply/.test(step)));
  });

  it('gives no steps for a refused transition', () => {
    const plan = transitionPlan(productionWith('trigger'), orders, 'stream');
    expect(plan.check.allowed).toBe(false);
    expect(plan.steps).toEqual([]);
  });
});
