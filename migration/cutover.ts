import type { Client } from 'pg';
import type { Environment } from '../config';
import type { ConnectClient } from '../connectors/connect/client';
import { renderValidated } from '../connectors/connect/deploy';
import { cutOverSink } from '../connectors/connect/sink-rewind';
import { qualifiedTable, sinkConnectorName, tableInPhase } from '../connectors/naming';
import type { PipelineDefinition } from '../connectors/pipelines';

/**
 * `cdcctl migrate cutover`: the step between the sink's switch to the production table (`connectors
 * apply` of the `stream` phase) and the trigger's disable (the atlas stack). The sink is rewound to the
 * earliest offset and waited for until its replay has passed where it had got writing the shadow: every
 * change the lagging trigger may not have reached is then in the production table, and the version
 * guard made the replay harmless. After a rollback to `shadow` the same replay refills the shadow
 * table, which missed every change the sink wrote to the production table meanwhile, so that `migrate
 * validate` compares like with like. What the migration rehearsal (tests/integration/cutover-rehearsal.test.ts)
 * runs, through the same cutOverSink.
 */
export class CutoverRefused extends Error {
  override name = 'CutoverRefused';
}

export interface CutoverTarget {
  /** `stream`: the replay into the production table; `shadow`: into the shadow table, after a rollback. */
  readonly phase: 'stream' | 'shadow';
  readonly collection: string;
  readonly sink: string;
  readonly config: Readonly<Record<string, string>>;
  readonly table: string;
  /** The shadow table (qualified): what the stream path had written before the switch. */
  readonly shadow: string;
  /** The source starts with a snapshot: the shadow holds every document, and ghost rows can be told apart. */
  readonly snapshots: boolean;
}

/** The sink and the config it must run with; refused unless the collection is in `stream` (the phase the cut-over completes) or back in `shadow`. */
export function cutoverTarget(environment: Environment, pipeline: PipelineDefinition): CutoverTarget {
  const phase = environment.collections[pipeline.name]?.phase ?? 'stream';
  if (phase !== 'stream' && phase !== 'shadow') {
    throw new CutoverRefused(
      `${environment.name}: collections.${pipeline.name}.phase is '${phase}', not 'stream' (or 'shadow' after a rollback): no sink of the stream path to replay; see cdcctl migrate transition --env ${environment.name} --collection ${pipeline.name} --to stream`,
    );
  }
  const name = sinkConnectorName(environment, pipeline);
  const { connectors } = renderValidated(environment, [pipeline]);
  const sink = connectors.find((connector) => connector.name === name);
  if (!sink) throw new CutoverRefused(`${environment.name}: no sink ${name} is rendered for ${pipeline.name}`);
  const source = connectors.find((connector) => connector.role === 'source');
  return {
    phase, collection: pipeline.name, sink: name, config: sink.config,
    table: qualifiedTable(environment, tableInPhase(pipeline, phase)), shadow: qualifiedTable(environment, tableInPhase(pipeline, 'shadow')),
    snapshots: source?.config['snapshot.mode'] !== 'no_data',
  };
}

export interface CutoverResult extends CutoverTarget {
  /** `<topic>/<partition>` → the offset the replay passed. */
  readonly replayedTo: ReadonlyMap<string, number>;
  /** Ghost rows deleted from the production table (`id`s); undefined when the warehouse was not given. */
  readonly ghostsRemoved?: readonly string[];
}

/**
 * Ghost rows: rows of the production table whose document was deleted before the stream path started
 * (before its source's snapshot), the trigger's delete having failed — Atlas never retries it. The
 * replay cannot remove them: the topic holds no event of those documents. Every other difference the
 * trigger left (a failed insert or update) the replay repairs: the snapshot's read events carry each
 * document that existed then. A ghost is a production row with no row in the shadow (which holds
 * every document of the topic up to the switch) and a version older than the shadow's oldest (its
 * snapshot): a document created after the switch is newer. Each is deleted as a writer deletes —
 * a delete-marked write through the version guard (warehouse/functions-sql.ts), versioned as the
 * snapshot — so that a newer write of the same key is never removed.
 */
export function removeGhostRowsSql(production: string, shadow: string): string {
  return (
    `INSERT INTO ${production} (id, doc_text, __op, __source_ts_ms, __source_ord, __event_ts_ms) ` +
    `SELECT p.id, NULL, 'd', oldest.ts, oldest.ord, (extract(epoch FROM now()) * 1000)::bigint FROM ${production} p, ` +
    `(SELECT __source_ts_ms AS ts, coalesce(__source_ord, 0) AS ord FROM ${shadow} WHERE __source_ts_ms IS NOT NULL ORDER BY 1, 2 LIMIT 1) oldest ` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${shadow} s WHERE s.id = p.id) AND (coalesce(p.__source_ts_ms, 0), coalesce(p.__source_ord, 0)) < (oldest.ts, oldest.ord) ` +
    'ON CONFLICT (id) DO UPDATE SET doc_text = EXCLUDED.doc_text, __op = EXCLUDED.__op, __source_ts_ms = EXCLUDED.__source_ts_ms, ' +
    '__source_ord = EXCLUDED.__source_ord, __event_ts_ms = EXCLUDED.__event_ts_ms RETURNING id'
  );
}

export async function removeGhostRows(warehouse: Pick<Client, 'query'>, production: string, shadow: string): Promise<string[]> {
  const { rows } = await warehouse.query<{ id: string }>(removeGhostRowsSql(production, shadow));
  return rows.map((row) => row.id);
}

/** The replay, then — into the production table, with the warehouse given — the ghost rows' removal. */
export async function cutOverCollection(environment: Environment, pipeline: PipelineDefinition, client: ConnectClient, timeoutMs: number, warehouse?: Pick<Client, 'query'>): Promise<CutoverResult> {
  const target = cutoverTarget(environment, pipeline);
  const replayedTo = await cutOverSink(client, target.sink, target.config, { timeoutMs });
  // Without a snapshot the shadow lacks the documents unchanged since before the stream path: they would look like ghosts.
  if (!warehouse || target.phase !== 'stream' || !target.snapshots) return { ...target, replayedTo };
  return { ...target, replayedTo, ghostsRemoved: await removeGhostRows(warehouse, target.table, target.shadow) };
}
