import type { Environment } from '../config';
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

/** Where the sink writes: the production table, or its shadow while the trigger still runs. */
export function sinkTable(environment: Environment, pipeline: PipelineDefinition): string {
  const phase = environment.collections[pipeline.name]?.phase ?? 'stream';
  return phase === 'shadow' ? `${pipeline.table}_shadow` : pipeline.table;
}
