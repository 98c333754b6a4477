/** Kafka's ConfigDef types, as `GET /connector-plugins/{class}/config` reports them. */
export type ConfigKeyType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';

/** The kinds of plugin `GET /connector-plugins?connectorsOnly=false` lists. */
export type PluginType = 'source' | 'sink' | 'transformation' | 'predicate' | 'converter' | 'header_converter';

/** One key a plugin declares in its ConfigDef (the worker's answer, minus display details). */
export interface ConfigKeyDefinition {
  readonly type: ConfigKeyType;
  readonly required: boolean;
  readonly default: string | null;
  readonly importance: 'HIGH' | 'MEDIUM' | 'LOW';
  readonly group: string | null;
}

/**
 * What the worker reports for one plugin class: the kinds it is listed as (a converter class is often
 * a header converter too), its version and the keys it declares.
 */
export interface GeneratedPluginDefinitions {
  readonly pluginClass: string;
  readonly types: readonly PluginType[];
  readonly version: string;
  readonly keys: Readonly<Record<string, ConfigKeyDefinition>>;
}
