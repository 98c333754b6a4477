import type { Environment } from '../config';
import type { ConnectClient } from '../connectors/connect/client';
import { renderValidated } from '../connectors/connect/deploy';
import { cutOverSink } from '../connectors/connect/sink-rewind';
import { qualifiedTable, sinkConnectorName } from '../connectors/naming';
import type { PipelineDefinition } from '../connectors/pipelines';

/**
 * `cdcctl migrate cutover`: the step between the sink's switch to the production table (`connectors
 * apply` of the `stream` phase) and the trigger's disable (the atlas stack). The sink is rewound to the
 * earliest offset and waited for until its replay has passed where it had got writing the shadow: every
 * change the lagging trigger may not have reached is then in the production table, and the version
 * guard made the replay harmless. What the cut-over rehearsal (tests/integration/cutover-rehearsal.test.ts)
 * runs, through the same cutOverSink.
 */
export class CutoverRefused extends Error {
  override name = 'CutoverRefused';
}

export interface CutoverTarget {
  readonly sink: string;
  readonly config: Readonly<Record<string, string>>;
  readonly table: string;
}

/** The sink and the config it must run with; refused unless the collection is in `stream` (the phase the cut-over completes). */
export function cutoverTarget(environment: Environment, pipeline: PipelineDefinition): CutoverTarget {
  const phase = environment.collections[pipeline.name]?.phase ?? 'stream';
  if (phase !== 'stream') {
    throw new CutoverRefused(
      `${environment.name}: collections.${pipeline.name}.phase is '${phase}', not 'stream': set it to 'stream' and apply the connectors first (cdcctl migrate transition --env ${environment.name} --collection ${pipeline.name} --to stream)`,
    );
  }
  const name = sinkConnectorName(environment, pipeline);
  const sink = renderValidated(environment, [pipeline]).connectors.find((connector) => connector.name === name);
  if (!sink) throw new CutoverRefused(`${environment.name}: no sink ${name} is rendered for ${pipeline.name}`);
  return { sink: name, config: sink.config, table: qualifiedTable(environment, pipeline.table) };
}

export interface CutoverResult extends CutoverTarget {
  /** `<topic>/<partition>` → the offset the replay passed. */
  readonly replayedTo: ReadonlyMap<string, number>;
}

export async function cutOverCollection(environment: Environment, pipeline: PipelineDefinition, client: ConnectClient, timeoutMs: number): Promise<CutoverResult> {
  const target = cutoverTarget(environment, pipeline);
  const replayedTo = await cutOverSink(client, target.sink, target.config, { timeoutMs });
  return { ...target, replayedTo };
}
