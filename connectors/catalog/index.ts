import { debeziumJdbcSink } from './debezium-jdbc-sink';
import { debeziumMongoDbSink } from './debezium-mongodb-sink';
import { debeziumMongoDbSource } from './debezium-mongodb-source';
import { mongoDbSink } from './mongodb-sink';
import { mongoDbSource } from './mongodb-source';
import type { PluginSpec } from './plugin';

export type { ConnectorKind, Finding, PluginSpec } from './plugin';

/** Every plugin the catalog knows, keyed by `connector.class`. */
export const PLUGINS: ReadonlyMap<string, PluginSpec> = new Map(
  [debeziumMongoDbSource, debeziumMongoDbSink, mongoDbSource, mongoDbSink, debeziumJdbcSink].map((spec) => [spec.connectorClass, spec]),
);

export function findPlugin(connectorClass: string): PluginSpec | undefined {
  return PLUGINS.get(connectorClass);
}
