import { z } from 'zod';
import { boolean, integer, list, nonEmpty, oneOf } from './fields';

/**
 * Keys every connector takes (Kafka Connect's ConnectorConfig / SinkConnectorConfig /
 * SourceConnectorConfig), and the shared error-handling settings.
 */
export const commonConnectorFields = {
  'connector.class': nonEmpty(),
  name: nonEmpty().optional(),
  'tasks.max': integer({ min: 1, max: 1024 }).optional(),
  'key.converter': nonEmpty().optional(),
  'value.converter': nonEmpty().optional(),
  'header.converter': nonEmpty().optional(),
  transforms: z.string().optional(),
  predicates: z.string().optional(),
  'config.action.reload': oneOf(['none', 'restart']).optional(),
  'errors.retry.timeout': integer({ min: -1 }).optional(),
  'errors.retry.delay.max.ms': integer({ min: 0 }).optional(),
  // Kafka's ConnectorConfig checks it with ConfigDef.ValidString, which compares exactly.
  'errors.tolerance': oneOf(['none', 'all'], { caseSensitive: true }).optional(),
  'errors.log.enable': boolean().optional(),
  'errors.log.include.messages': boolean().optional(),
} as const;

/** Dead-letter queue keys: Kafka Connect supports a DLQ for sink connectors only. */
export const DEAD_LETTER_QUEUE_KEYS = [
  'errors.deadletterqueue.topic.name',
  'errors.deadletterqueue.topic.replication.factor',
  'errors.deadletterqueue.context.headers.enable',
] as const;

export const sinkConnectorFields = {
  ...commonConnectorFields,
  topics: list().optional(),
  'topics.regex': z.string().optional(),
  'errors.deadletterqueue.topic.name': z.string().optional(),
  'errors.deadletterqueue.topic.replication.factor': integer({ min: 1, max: 32767 }).optional(),
  'errors.deadletterqueue.context.headers.enable': boolean().optional(),
} as const;

export const sourceConnectorFields = {
  ...commonConnectorFields,
  'topic.creation.groups': z.string().optional(),
  'exactly.once.support': oneOf(['requested', 'required']).optional(),
  'transaction.boundary': oneOf(['poll', 'interval', 'connector']).optional(),
  'offsets.storage.topic': z.string().optional(),
} as const;

/**
 * Prefixes of keys Kafka Connect itself reads, checked by their own rules: the transform chain
 * (`transforms.`, `predicates.`) and the converters (`key.converter.` …) against what those plugins
 * declare.
 */
export const CHECKED_PREFIXES = ['transforms.', 'predicates.', 'key.converter.', 'value.converter.', 'header.converter.'] as const;

/** Prefixes of open-ended keys Kafka Connect forwards: per-connector client overrides and topic creation settings. */
export const CONNECT_PASS_THROUGH_PREFIXES = ['consumer.override.', 'producer.override.', 'admin.override.', 'topic.creation.'] as const;

/**
 * Debezium's OpenLineage integration (debezium/debezium v3.5.0.Final, CommonConnectorConfig.java
 * openlineage.integration.* fields): declared by the Debezium sources, read but not declared by the
 * Debezium sinks.
 */
export const DEBEZIUM_OPENLINEAGE_KEYS = [
  'openlineage.integration.enabled',
  'openlineage.integration.config.file.path',
  'openlineage.integration.job.namespace',
  'openlineage.integration.job.description',
  'openlineage.integration.job.tags',
  'openlineage.integration.job.owners',
  'openlineage.integration.dataset.kafka.bootstrap.servers',
] as const;

/** Cross-field rules shared by every sink. */
export function checkSinkTopics(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const hasTopics = Boolean(String(config.topics ?? '').trim());
  const hasRegex = Boolean(String(config['topics.regex'] ?? '').trim());
  if (hasTopics === hasRegex) {
    ctx.addIssue({
      code: 'custom',
      path: [hasTopics ? 'topics.regex' : 'topics'],
      message: hasTopics ? 'set either topics or topics.regex, not both' : 'a sink needs topics or topics.regex',
    });
  }
  if (config['errors.deadletterqueue.topic.name'] && config['errors.tolerance'] !== 'all') {
    ctx.addIssue({
      code: 'custom',
      path: ['errors.tolerance'],
      message: 'a dead-letter queue only receives records when errors.tolerance is "all"',
    });
  }
}

export interface ErrorHandlingOptions {
  /** Dead-letter queue topic (sinks only). */
  readonly deadLetterTopic: string;
  /** @default 3 */
  readonly replicationFactor?: number;
  /** How long a failed operation is retried before the record counts as failed. @default 300000 (5 min) */
  readonly retryTimeoutMs?: number;
}

/**
 * The house error handling for sinks: retry transient failures for a while, then send the record to
 * a dead-letter queue with context headers (topic, partition, offset, exception) and keep going.
 */
export function sinkErrorHandling(options: ErrorHandlingOptions): Record<string, string> {
  const { deadLetterTopic, replicationFactor = 3, retryTimeoutMs = 300_000 } = options;
  return {
    'errors.tolerance': 'all',
    'errors.retry.timeout': String(retryTimeoutMs),
    'errors.retry.delay.max.ms': '60000',
    'errors.log.enable': 'true',
    'errors.log.include.messages': 'false',
    'errors.deadletterqueue.topic.name': deadLetterTopic,
    'errors.deadletterqueue.topic.replication.factor': String(replicationFactor),
    'errors.deadletterqueue.context.headers.enable': 'true',
  };
}

/** Sources fail fast: a change event must never be skipped silently (there is no DLQ for sources). */
export function sourceErrorHandling(): Record<string, string> {
  return {
    'errors.tolerance': 'none',
    'errors.retry.timeout': '300000',
    'errors.retry.delay.max.ms': '60000',
    'errors.log.enable': 'true',
  };
}

export const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

/** JSON with embedded schemas: what the JDBC sink needs to create and evolve tables. */
export function jsonConverters(): Record<string, string> {
  return {
    'key.converter': JSON_CONVERTER,
    'key.converter.schemas.enable': 'true',
    'value.converter': JSON_CONVERTER,
    'value.converter.schemas.enable': 'true',
  };
}
