import type { Environment, MigrationPhase } from '../config';
import { PHASE_BEHAVIOUR } from '../config/phases';
import type { PipelineDefinition } from './pipelines/define';

/**
 * Every name derived from a pipeline, in one place: connectors, topics, consumer groups, tables.
 * Stacks, alerts and dashboards use these so that a name is never spelled twice.
 */
/**
 * One Debezium source per MongoDB database (one change stream per database). All of an environment's
 * sources share its `topic.prefix`, the `server` key of Debezium's MBeans; the `connector` metric tag
 * that render adds tells them apart.
 */
export function sourceConnectorName(environment: Environment, pipeline: Pick<PipelineDefinition, 'database'>): string {
  return `${environment.managedConnectorPrefix}${pipeline.database.replace(/_/g, '-')}-source`;
}

/**
 * The MongoDB stand-in (mongo-java-server) has change streams on single collections only, so it gets
 * one source per pipeline, named so that it says stand-in.
 */
export function standInSourceConnectorName(environment: Environment, pipeline: Pick<PipelineDefinition, 'name'>): string {
  return `${environment.managedConnectorPrefix}${pipeline.name.replace(/_/g, '-')}-standin-source`;
}

export function sinkConnectorName(environment: Environment, pipeline: PipelineDefinition): string {
  return `${environment.managedConnectorPrefix}${pipeline.name}-sink`;
}

/** Debezium's topic: `<topic.prefix>.<database>.<collection>`. */
export function sourceTopic(environment: Environment, pipeline: PipelineDefinition): string {
  return `${environment.topicPrefix}.${pipeline.database}.${pipeline.collection}`;
}

export function deadLetterTopic(environment: Environment, pipeline: PipelineDefinition): string {
  return `${environment.topicPrefix}.dlq.${pipeline.name}`;
}

/** Kafka Connect names a sink connector's consumer group `connect-<connector name>`. */
export function sinkConsumerGroup(environment: Environment, pipeline: PipelineDefinition): string {
  return `connect-${sinkConnectorName(environment, pipeline)}`;
}

/** The shadow twin of a pipeline's table, which the stream path writes while the trigger still writes the table. */
export function shadowTable(pipeline: Pick<PipelineDefinition, 'table'>): string {
  return `${pipeline.table}_shadow`;
}

/** The table the stream path's sink writes in a phase (PHASE_BEHAVIOUR's `sinkTarget`): the shadow, else the table. */
export function tableInPhase(pipeline: Pick<PipelineDefinition, 'table'>, phase: MigrationPhase): string {
  return PHASE_BEHAVIOUR[phase].sinkTarget === 'shadow' ? shadowTable(pipeline) : pipeline.table;
}

/** Where the sink writes in an environment: the production table, or its shadow while the trigger still runs. */
export function sinkTable(environment: Environment, pipeline: PipelineDefinition): string {
  return tableInPhase(pipeline, environment.collections[pipeline.name]?.phase ?? 'stream');
}

/** A table name qualified by the environment's warehouse schema (unqualified in `public`). */
export function qualifiedTable(environment: Environment, table: string): string {
  return environment.warehouse.schema === 'public' ? table : `${environment.warehouse.schema}.${table}`;
}
