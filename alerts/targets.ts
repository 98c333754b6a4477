import type { Environment } from '../config';
import { renderEnvironment, type ConnectorState, type RenderedConnector } from '../connectors/render';
import { sinkConsumerGroup, deadLetterTopic, sinkTable, sourceTopic } from '../connectors/naming';
import { pipelines as allPipelines, type PipelineDefinition } from '../connectors/pipelines';
import { equals } from './promql';

/**
 * What the alerts and dashboards of one environment watch, derived from the same render that
 * `cdcctl connectors apply` uses: a pipeline in the `trigger` phase has no connectors and so no
 * rules; an environment without MongoDB (local) has sinks only.
 */
export interface MonitoredConnector {
  readonly name: string;
  readonly role: 'source' | 'sink';
  readonly desiredState: ConnectorState;
  readonly pipelines: readonly string[];
  readonly owners: readonly string[];
  /** Debezium's `topic.prefix`: the `server` key of its JMX metrics (sources only). */
  readonly server?: string;
  /**
   * Label matchers that select this source's Debezium metrics: `server`, plus `connector` when the
   * source sets `custom.metric.tags=connector=<name>` (which tells apart sources sharing a prefix).
   */
  readonly debeziumMatchers?: readonly string[];
}

/** `custom.metric.tags` is `k1=v1,k2=v2`. */
function customMetricTags(value: string | undefined): Record<string, string> {
  if (!value) return {};
  return Object.fromEntries(
    value
      .split(',')
      .map((pair) => pair.split('=').map((part) => part.trim()))
      .filter((pair): pair is [string, string] => pair.length === 2 && Boolean(pair[0]) && Boolean(pair[1])),
  );
}

export function debeziumMatchers(server: string, config: Readonly<Record<string, string>>): string[] {
  const tagged = customMetricTags(config['custom.metric.tags']).connector;
  return [equals('server', server), ...(tagged ? [equals('connector', tagged)] : [])];
}

export interface MonitoredPipeline {
  readonly definition: PipelineDefinition;
  readonly sink: MonitoredConnector;
  /** Absent where the environment replays events instead of running a source (local). */
  readonly source?: MonitoredConnector;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly consumerGroup: string;
  readonly table: string;
  readonly phase: string;
}

export interface MonitoringTargets {
  readonly environment: Environment;
  readonly connectors: readonly MonitoredConnector[];
  readonly pipelines: readonly MonitoredPipeline[];
  /** Debezium heartbeats make a quiet source still write records (alerts/rules/debezium.ts). */
  readonly heartbeatIntervalMs: number;
  /**
   * The environment's connectors talk to MSK (by their bootstrap servers), so MSK's open monitoring is
   * scraped where they run. Not `infrastructure.kafka`: the local environment has a sandbox MSK
   * stack that the laptop runtime does not use.
   */
  readonly msk: boolean;
}

function sourceKeys(server: string, config: Readonly<Record<string, string>>): Pick<MonitoredConnector, 'server' | 'debeziumMatchers'> {
  return { server, debeziumMatchers: debeziumMatchers(server, config) };
}

/** MSK broker host names end in `.kafka.<region>.amazonaws.com`. */
const MSK_BOOTSTRAP = /\.kafka\.[a-z0-9-]+\.amazonaws\.com(:\d+)?(,|$)/;

export function isMskBootstrap(bootstrapServers: string): boolean {
  return MSK_BOOTSTRAP.test(bootstrapServers);
}

export function monitoringTargets(environment: Environment, pipelines: readonly PipelineDefinition[] = allPipelines): MonitoringTargets {
  const rendered = renderEnvironment(environment, pipelines);
  const ownersOf = (connector: RenderedConnector) =>
    [...new Set(connector.pipelines.map((name) => pipelines.find((pipeline) => pipeline.name === name)?.owner ?? 'unknown'))].sort();
  const connectors: MonitoredConnector[] = rendered.map((connector) => ({
    name: connector.name,
    role: connector.role,
    desiredState: connector.state,
    pipelines: [...connector.pipelines].sort(),
    owners: ownersOf(connector),
    ...(connector.role === 'source' ? sourceKeys(connector.config['topic.prefix'] ?? environment.topicPrefix, connector.config) : {}),
  }));
  const monitored: MonitoredPipeline[] = [];
  for (const definition of pipelines) {
    const sink = connectors.find((connector) => connector.role === 'sink' && connector.pipelines.includes(definition.name));
    if (!sink) continue;
    const source = connectors.find((connector) => connector.role === 'source' && connector.pipelines.includes(definition.name));
    monitored.push({
      definition,
      sink,
      ...(source ? { source } : {}),
      topic: sourceTopic(environment, definition),
      deadLetterTopic: deadLetterTopic(environment, definition),
      consumerGroup: sinkConsumerGroup(environment, definition),
      table: sinkTable(environment, definition),
      phase: environment.collections[definition.name]?.phase ?? 'stream',
    });
  }
  return {
    environment,
    connectors,
    pipelines: monitored,
    heartbeatIntervalMs: environment.source.heartbeatIntervalMs,
    msk: isMskBootstrap(environment.kafka.bootstrapServers),
  };
}
