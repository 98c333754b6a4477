import type { ConfigKeyDefinition, ConfigKeyType, GeneratedPluginDefinitions, PluginType } from './generated/types';

/**
 * `catalog/generated/`: every plugin a worker running the pinned plugins lists
 * (`GET /connector-plugins?connectorsOnly=false`: connectors, transforms, predicates, converters) with
 * the ConfigDef it reports for each (`GET /connector-plugins/{class}/config`). Pure: the worker's
 * answers in, file text out; `cdcctl connectors catalog generate` does the requests and writes the
 * files, and an integration test regenerates them from the test runtime's worker and compares.
 */

/** Connector class → the name of its generated module (and of its hand-written catalog file). */
export const CONNECTOR_MODULES: Readonly<Record<string, string>> = {
  'io.debezium.connector.mongodb.MongoDbConnector': 'debezium-mongodb-source',
  'io.debezium.connector.mongodb.MongoDbSinkConnector': 'debezium-mongodb-sink',
  'io.debezium.connector.jdbc.JdbcSinkConnector': 'debezium-jdbc-sink',
  'com.mongodb.kafka.connect.MongoSourceConnector': 'mongodb-source',
  'com.mongodb.kafka.connect.MongoSinkConnector': 'mongodb-sink',
};

/** The other kinds of plugin, each kind in one module (dozens of small classes, most without options). */
export const GROUPED_MODULES: Readonly<Record<string, readonly PluginType[]>> = {
  transforms: ['transformation'],
  predicates: ['predicate'],
  converters: ['converter', 'header_converter'],
};

/** One entry of `GET /connector-plugins?connectorsOnly=false`. */
export interface WorkerPlugin {
  readonly class: string;
  readonly type: string;
  readonly version?: string;
}

export interface GeneratedFile {
  /** Relative to `connectors/catalog/generated/`. */
  readonly path: string;
  readonly content: string;
}

const PLUGIN_TYPES: readonly PluginType[] = ['source', 'sink', 'transformation', 'predicate', 'converter', 'header_converter'];
const CONNECTOR_TYPES: readonly PluginType[] = ['source', 'sink'];
const KEY_TYPES: readonly ConfigKeyType[] = ['BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'];
const IMPORTANCES = ['HIGH', 'MEDIUM', 'LOW'] as const;

/** Sorting by UTF-16 code units, not the locale: the files must not depend on where they are generated. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The worker's answer for one class, checked and reduced to what the catalog uses, keys sorted. */
export function pluginDefinitions(
  pluginClass: string,
  types: readonly PluginType[],
  version: string,
  answer: ReadonlyArray<Record<string, unknown>>,
): GeneratedPluginDefinitions {
  const keys: Record<string, ConfigKeyDefinition> = {};
  for (const entry of [...answer].sort((a, b) => byCodeUnits(String(a.name), String(b.name)))) {
    const { name, type, required, default_value: defaultValue, importance, group } = entry;
    if (typeof name !== 'string' || !KEY_TYPES.includes(type as ConfigKeyType) || !IMPORTANCES.includes(importance as (typeof IMPORTANCES)[number])) {
      throw new Error(`${pluginClass}: unexpected config definition from the worker: ${JSON.stringify(entry).slice(0, 200)}`);
    }
    keys[name] = {
      type: type as ConfigKeyType,
      required: required === true,
      default: defaultValue === null || defaultValue === undefined ? null : String(defaultValue),
      importance: importance as ConfigKeyDefinition['importance'],
      group: typeof group === 'string' ? group : null,
    };
  }
  return { pluginClass, types, version, keys };
}

/**
 * The worker's list as one entry per class (a class listed as converter and header converter is one
 * plugin of two kinds), sorted by class. A kind this generator does not know is an error, not a skip.
 */
export function pluginsByClass(plugins: readonly WorkerPlugin[]): Array<{ readonly pluginClass: string; readonly types: PluginType[]; readonly version: string }> {
  const byClass = new Map<string, { pluginClass: string; types: PluginType[]; version: string }>();
  for (const plugin of plugins) {
    if (!PLUGIN_TYPES.includes(plugin.type as PluginType)) throw new Error(`${plugin.class}: the worker lists it as "${plugin.type}", a kind of plugin this generator does not know`);
    const entry = byClass.get(plugin.class) ?? { pluginClass: plugin.class, types: [], version: plugin.version ?? 'unknown' };
    if (!entry.types.includes(plugin.type as PluginType)) entry.types.push(plugin.type as PluginType);
    byClass.set(plugin.class, entry);
  }
  for (const entry of byClass.values()) entry.types.sort((a, b) => PLUGIN_TYPES.indexOf(a) - PLUGIN_TYPES.indexOf(b));
  return [...byClass.values()].sort((a, b) => byCodeUnits(a.pluginClass, b.pluginClass));
}

/** Connector classes the worker lists that have no module name, and module classes the worker lacks. */
export function connectorCoverage(plugins: readonly WorkerPlugin[]): { readonly unnamed: string[]; readonly missing: string[] } {
  const connectors = new Set(plugins.filter((plugin) => CONNECTOR_TYPES.includes(plugin.type as PluginType)).map((plugin) => plugin.class));
  return {
    unnamed: [...connectors].filter((connectorClass) => !(connectorClass in CONNECTOR_MODULES)).sort(),
    missing: Object.keys(CONNECTOR_MODULES).filter((connectorClass) => !connectors.has(connectorClass)),
  };
}

/** Every file of `catalog/generated/` from the worker's plugin list and each class's config answer. */
export function catalogFiles(plugins: readonly WorkerPlugin[], answers: ReadonlyMap<string, ReadonlyArray<Record<string, unknown>>>): GeneratedFile[] {
  const { unnamed, missing } = connectorCoverage(plugins);
  if (missing.length) throw new Error(`the worker lacks ${missing.join(', ')}: generate against a worker with the pinned plugins (cdcctl local up)`);
  if (unnamed.length) throw new Error(`the worker runs connector classes the catalog has no module for: ${unnamed.join(', ')} (add them to CONNECTOR_MODULES in connectors/catalog/generate.ts)`);
  const definitions = pluginsByClass(plugins).map(({ pluginClass, types, version }) => {
    const answer = answers.get(pluginClass);
    if (!answer) throw new Error(`${pluginClass}: no config definition from the worker`);
    return pluginDefinitions(pluginClass, types, version, answer);
  });
  const files: GeneratedFile[] = Object.entries(CONNECTOR_MODULES).map(([connectorClass, module]) => ({
    path: `${module}.ts`,
    content: connectorModule(definitions.find((definition) => definition.pluginClass === connectorClass)!),
  }));
  for (const [module, types] of Object.entries(GROUPED_MODULES)) {
    files.push({ path: `${module}.ts`, content: groupedModule(types, definitions.filter((definition) => definition.types.some((type) => types.includes(type)))) });
  }
  files.push({ path: 'index.ts', content: generatedIndex() });
  return files.sort((a, b) => byCodeUnits(a.path, b.path));
}

const HEADER = '// Generated by `cdcctl connectors catalog generate`: do not edit. Regenerate after changing config/versions.ts.';

function keyLines(definitions: GeneratedPluginDefinitions, indent: string): string[] {
  return Object.entries(definitions.keys).map(([key, definition]) => `${indent}${JSON.stringify(key)}: ${JSON.stringify(definition)},`);
}

function definitionLines(definitions: GeneratedPluginDefinitions, indent: string): string[] {
  const keys = keyLines(definitions, `${indent}  `);
  return [
    `${indent}pluginClass: ${JSON.stringify(definitions.pluginClass)},`,
    `${indent}types: ${JSON.stringify(definitions.types)},`,
    `${indent}version: ${JSON.stringify(definitions.version)},`,
    ...(keys.length ? [`${indent}keys: {`, ...keys, `${indent}},`] : [`${indent}keys: {},`]),
  ];
}

/** The text of `catalog/generated/<module>.ts` for one connector class. */
export function connectorModule(definitions: GeneratedPluginDefinitions): string {
  return [
    HEADER,
    `// GET /connector-plugins/${definitions.pluginClass}/config on a worker running version ${definitions.version}.`,
    "import type { GeneratedPluginDefinitions } from './types';",
    '',
    'export const definitions = {',
    ...definitionLines(definitions, '  '),
    '} as const satisfies GeneratedPluginDefinitions;',
    '',
  ].join('\n');
}

/** The text of a module holding every class of some kinds (transforms, predicates, converters). */
export function groupedModule(types: readonly PluginType[], definitions: readonly GeneratedPluginDefinitions[]): string {
  return [
    HEADER,
    `// Every plugin of type ${types.join(' or ')} in GET /connector-plugins?connectorsOnly=false, with its GET /connector-plugins/{class}/config.`,
    "import type { GeneratedPluginDefinitions } from './types';",
    '',
    'export const definitions = [',
    ...definitions.flatMap((definition) => ['  {', ...definitionLines(definition, '    '), '  },']),
    '] as const satisfies readonly GeneratedPluginDefinitions[];',
    '',
  ].join('\n');
}

function moduleIdentifier(module: string): string {
  return module.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The text of `catalog/generated/index.ts`: every generated plugin by class. */
export function generatedIndex(): string {
  const connectors = Object.values(CONNECTOR_MODULES).sort();
  const grouped = Object.keys(GROUPED_MODULES).sort();
  const imports = [...connectors, ...grouped].sort();
  return [
    HEADER,
    ...imports.map((module) => `import { definitions as ${moduleIdentifier(module)} } from './${module}';`),
    "import type { GeneratedPluginDefinitions } from './types';",
    '',
    "export type { ConfigKeyDefinition, ConfigKeyType, GeneratedPluginDefinitions, PluginType } from './types';",
    '',
    '/** Every plugin class the worker lists (connectors, transforms, predicates, converters), by class. */',
    'export const GENERATED: ReadonlyMap<string, GeneratedPluginDefinitions> = new Map(',
    `  [${[...connectors.map(moduleIdentifier), ...grouped.map((module) => `...${moduleIdentifier(module)}`)].join(', ')}].map((definitions) => [definitions.pluginClass, definitions]),`,
    ');',
    '',
  ].join('\n');
}
