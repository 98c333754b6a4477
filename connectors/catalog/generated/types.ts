/** Kafka's ConfigDef types, as `GET /connector-plugins/{class}/config` reports them. */
export type ConfigKeyType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';

/** One key a plugin declares in its ConfigDef (the worker's answer, minus display details). */
export interface ConfigKeyDefinition {
  readonly type: ConfigKeyType;
  readonly required: boolean;
  readonly default: string | null;
  readonly importance: 'HIGH' | 'MEDIUM' | 'LOW';
  readonly group: string | null;
}

/** What the worker reports for one plugin class: its version and the keys it declares. */
export interface GeneratedPluginDefinitions {
  readonly connectorClass: string;
  readonly version: string;
  readonly keys: Readonly<Record<string, ConfigKeyDefinition>>;
}
