import { MIGRATION_PHASES, type Environment, type MigrationPhase } from '../config';
import { checkTransition, nextPhase, PHASE_BEHAVIOUR, type TransitionCheck } from '../config/phases';
import { tableInPhase } from '../connectors/naming';
import { pipelines as allPipelines, type PipelineDefinition } from '../connectors/pipelines';
import { collectionSettings, renderEnvironment } from '../connectors/render';

/**
 * `cdcctl migrate status` and `cdcctl migrate transition`: where each collection is, what the atlas
 * stack and the connectors do in that phase (read from the same functions that build them), and the
 * exact commands of a move, in the order that never leaves the production table without a writer.
 * Pure: environment in, text-ready facts out.
 */
export interface CollectionStatus {
  readonly environment: string;
  readonly pipeline: string;
  readonly namespace: string;
  readonly phase: MigrationPhase;
  readonly phaseSummary: string;
  /** The Atlas triggers the atlas stack manages for this pipeline, and their state in this phase. */
  readonly triggers: ReadonlyArray<{ readonly name: string; readonly state: 'enabled' | 'disabled' | 'removed' }>;
  readonly connectors: ReadonlyArray<{ readonly name: string; readonly role: 'source' | 'sink'; readonly state: string; readonly table?: string }>;
  readonly productionTable: string;
  /** The next forward move, or undefined once decommissioned. */
  readonly next?: TransitionPlan;
  /** Where a rollback from here leads (one step back), if anywhere. */
  readonly rollback?: TransitionPlan;
}

export interface TransitionPlan {
  readonly check: TransitionCheck;
  /** Commands and edits in order; empty when the transition is refused. */
  readonly steps: readonly string[];
}

function environmentFile(environment: Environment): string {
  return `config/environments/${environment.name}.ts`;
}

export function transitionPlan(environment: Environment, pipeline: PipelineDefinition, to: MigrationPhase): TransitionPlan {
  const from = collectionSettings(environment, pipeline).phase;
  const check = checkTransition(from, to);
  if (!check.allowed || check.kind === 'unchanged') return { check, steps: [] };
  const env = environment.name;
  const hasAtlasStack = Boolean(environment.infrastructure.atlas);
  const edit = `edit ${environmentFile(environment)}: collections.${pipeline.name}.phase: '${from}' → '${to}' (through a pull request: its checks run \`cdcctl connectors plan --env ${env}\`)`;
  const connectorsApply = (prune: boolean, why: string) => `npx cdcctl connectors apply --env ${env}${prune ? ' --prune' : ''}   # ${why}`;
  const atlasDeploy = (why: string) =>
    hasAtlasStack ? `npx cdktf deploy atlas-${env}   # ${why}` : `(no atlas stack in ${env}: ${why.replace(/^the /, 'the ')} by hand in Atlas)`;
  const validate = `npx cdcctl migrate validate --env ${env} --collection ${pipeline.name}   # must pass before the cut-over`;
  const shadow = tableInPhase(pipeline, 'shadow');
  const production = pipeline.table;
  const steps: string[] = [];
  const key = `${from}->${to}`;
  switch (key) {
    case 'trigger->shadow':
      steps.push(
        edit,
        connectorsApply(false, `the source captures ${pipeline.database}.${pipeline.collection}; the sink snapshots it into ${shadow}`),
        `npx cdcctl connectors status --env ${env}   # wait until the sink is RUNNING and its lag is zero (the snapshot is done)`,
        `npx cdcctl migrate cutover --env ${env} --collection ${pipeline.name}   # the sink replays its topic into ${shadow}: after a rollback from stream it missed what the sink wrote to ${production} (harmless the first time)`,
        hasAtlasStack ? `npx cdktf diff atlas-${env}   # expect no change: the trigger keeps writing ${production}` : `(the trigger keeps writing ${production})`,
        `npx cdcctl migrate validate --env ${env} --collection ${pipeline.name}   # compare ${production} with ${shadow}`,
      );
      break;
    case 'shadow->stream':
      steps.push(
        validate,
        `npx cdcctl connectors offsets export --env ${env} --file offsets-before-cutover.json   # restore point`,
        edit,
        connectorsApply(false, `the sink writes ${production}; both paths write it for a while (the version guard keeps the newer version)`),
        `npx cdcctl migrate cutover --env ${env} --collection ${pipeline.name}   # the sink replays its topic from the earliest offset past where it had got: the changes the lagging trigger has not reached are in ${production}`,
        atlasDeploy('only then: the trigger is disabled'),
      );
      break;
    case 'stream->decommissioned':
      steps.push(edit, atlasDeploy('the trigger is deleted'), `-- after the retention period you choose: DROP TABLE ${shadow};`);
      break;
    case 'shadow->trigger':
      steps.push(
        edit,
        connectorsApply(true, `the sink into ${shadow} is deleted; the trigger wrote ${production} throughout`),
        hasAtlasStack ? `npx cdktf diff atlas-${env}   # expect no change` : `(the trigger is unchanged)`,
      );
      break;
    case 'stream->shadow':
      steps.push(
        edit,
        atlasDeploy('first: the trigger is re-enabled and resumes from its resume token (changes made while it was disabled are replayed if the oplog still holds them)'),
        connectorsApply(false, `then: the sink moves back to ${shadow}`),
        `npx cdcctl migrate cutover --env ${env} --collection ${pipeline.name}   # the sink replays its topic into ${shadow}, which missed what it wrote to ${production}`,
        `npx cdcctl migrate validate --env ${env} --collection ${pipeline.name}`,
      );
      break;
    case 'stream->trigger':
      steps.push(
        edit,
        atlasDeploy('first: the trigger is re-enabled and resumes from its resume token'),
        connectorsApply(true, 'then: the sink is deleted and the source stops capturing the collection'),
      );
      break;
    case 'decommissioned->stream':
      steps.push(edit, atlasDeploy('the trigger is recreated, disabled'));
      break;
    default:
      steps.push(edit);
  }
  return { check, steps };
}

export function collectionStatuses(environment: Environment, pipelines: readonly PipelineDefinition[] = allPipelines): CollectionStatus[] {
  const rendered = renderEnvironment(environment, pipelines);
  const triggers = environment.infrastructure.atlas?.triggers ?? [];
  return pipelines.map((pipeline) => {
    const { phase } = collectionSettings(environment, pipeline);
    const behaviour = PHASE_BEHAVIOUR[phase];
    const connectors = rendered
      .filter((connector) => connector.pipelines.includes(pipeline.name))
      .map((connector) => ({
        name: connector.name,
        role: connector.role,
        state: connector.state,
        ...(connector.role === 'sink' ? { table: tableInPhase(pipeline, phase) } : {}),
      }));
    const forward = nextPhase(phase);
    const back = MIGRATION_PHASES[MIGRATION_PHASES.indexOf(phase) - 1];
    return {
      environment: environment.name,
      pipeline: pipeline.name,
      namespace: `${pipeline.database}.${pipeline.collection}`,
      phase,
      phaseSummary: behaviour.summary.replace(/<table>/g, pipeline.table),
      triggers: triggers.filter((trigger) => trigger.pipeline === pipeline.name).map((trigger) => ({ name: trigger.name, state: behaviour.trigger })),
      connectors,
      productionTable: pipeline.table,
      ...(forward ? { next: transitionPlan(environment, pipeline, forward) } : {}),
      ...(back ? { rollback: transitionPlan(environment, pipeline, back) } : {}),
    };
  });
}

export function formatStatusText(statuses: readonly CollectionStatus[]): string {
  const lines: string[] = [];
  let environment = '';
  for (const status of statuses) {
    if (status.environment !== environment) {
      environment = status.environment;
      lines.push(`${lines.length ? '\n' : ''}environment ${environment}`);
    }
    lines.push(`  ${status.pipeline} (${status.namespace}): phase ${status.phase}: ${status.phaseSummary}`);
    lines.push(
      `    atlas stack: ${status.triggers.length ? status.triggers.map((trigger) => `trigger ${trigger.name} ${trigger.state}`).join(', ') : 'no trigger of this pipeline is managed here'}`,
    );
    lines.push(
      `    connectors:  ${status.connectors.length ? status.connectors.map((connector) => `${connector.name} ${connector.state}${connector.table ? ` → ${connector.table}` : ''}`).join(', ') : 'none'}`,
    );
    for (const [label, plan] of [
      ['next', status.next],
      ['rollback', status.rollback],
    ] as const) {
      if (!plan) continue;
      if (!plan.check.allowed) {
        lines.push(`    ${label} (${plan.check.to}): refused: ${plan.check.reason}`);
        continue;
      }
      lines.push(`    ${label} → ${plan.check.to}: ${plan.check.description}`);
      plan.steps.forEach((step, index) => lines.push(`      ${index + 1}. ${step}`));
    }
  }
  if (statuses.length === 0) lines.push('no pipelines');
  return `${lines.join('\n')}\n`;
}
