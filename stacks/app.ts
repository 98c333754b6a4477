import type { App, TerraformStack } from 'cdktf';
import type { Environment } from '../config';
import { pipelines as allPipelines, type PipelineDefinition } from '../connectors/pipelines';
import { AtlasStack } from './atlas-stack';
import { ConnectStack } from './connect-stack';
import { KafkaStack } from './kafka-stack';
import { MonitoringStack } from './monitoring-stack';
import { assertStackInputs } from './input-checks';

/** cdktf context of every app (main.ts and tests alike): logical ids without the stack id, as `cdktf init` sets today. */
export const APP_CONTEXT = { excludeStackIdFromLogicalIds: 'true', allowSepCharsInLogicalIds: 'true' } as const;

/**
 * Every environment's stacks, named `<stack>-<environment>`: an environment has the stacks whose
 * section its `infrastructure` block declares. Inputs are checked for all environments before any
 * stack is built, so one run reports every problem.
 */
export function buildStacks(app: App, environments: readonly Environment[], pipelines: readonly PipelineDefinition[] = allPipelines): TerraformStack[] {
  assertStackInputs(environments, pipelines);
  const stacks: TerraformStack[] = [];
  for (const environment of environments) {
    const { kafka, connect, atlas, monitoring } = environment.infrastructure;
    if (kafka) stacks.push(new KafkaStack(app, `kafka-${environment.name}`, { environment }));
    if (connect) stacks.push(new ConnectStack(app, `connect-${environment.name}`, { environment }));
    if (atlas) stacks.push(new AtlasStack(app, `atlas-${environment.name}`, { environment, pipelines }));
    // Prometheus scrapes the Connect pods: monitoring comes with a connect stack.
    if (connect && monitoring) stacks.push(new MonitoringStack(app, `monitoring-${environment.name}`, { environment, settings: monitoring, pipelines }));
  }
  return stacks;
}
