import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { versions } from '../../../../config';
import { PLUGINS } from '../../../../connectors/catalog';
import { catalogFiles, CONNECTOR_MODULES, connectorCoverage, connectorModule, generatedIndex, pluginDefinitions, pluginsByClass, type WorkerPlugin } from '../../../../connectors/catalog/generate';
import { GENERATED, type GeneratedPluginDefinitions } from '../../../../connectors/catalog/generated';
import { PREDICATES, TRANSFORMS } from '../../../../connectors/catalog/transforms';
import { isSecretKey } from '../../../../connectors/secrets';

/**
 * catalog/generated/ (what a worker running the pinned plugins lists and declares) and the
 * hand-written catalog on top of it; tests/integration/catalog-generated.test.ts checks the files
 * against the live worker.
 */
const committed = path.join(__dirname, '../../../../connectors/catalog/generated');
const plugins = [...PLUGINS.values()];
const all = [...GENERATED.values()];
const ofType = (type: string) => all.filter((definitions) => definitions.types.some((candidate) => candidate === type)).map((definitions) => definitions.pluginClass).sort();
const KAFKA = 'org.apache.kafka.connect';

describe('catalog/generated: every plugin class the worker runs', () => {
  it('has a module for every catalog connector, and every catalog connector is one the worker lists', () => {
    expect(Object.keys(CONNECTOR_MODULES).sort()).toEqual(plugins.map((plugin) => plugin.connectorClass).sort());
    expect([...ofType('source'), ...ofType('sink')].sort()).toEqual(Object.keys(CONNECTOR_MODULES).sort());
  });

  it('holds each plugin at the version config/versions.ts pins', () => {
    const pinned = (pluginClass: string) => (pluginClass.startsWith('io.debezium.') ? versions.debezium : pluginClass.startsWith('com.mongodb.') ? versions.mongoKafkaConnect : versions.kafka);
    expect(all.filter((definitions) => definitions.version !== pinned(definitions.pluginClass)).map((definitions) => definitions.pluginClass)).toEqual([]);
  });

  it("covers Kafka 4.1.1's 26 transforms and 3 predicates", () => {
    const transforms = ofType('transformation').filter((pluginClass) => pluginClass.startsWith(KAFKA));
    expect(transforms).toHaveLength(26);
    expect(transforms).toEqual(expect.arrayContaining([`${KAFKA}.transforms.TimestampConverter$Value`, `${KAFKA}.transforms.Filter`, `${KAFKA}.transforms.ValueToKey`, `${KAFKA}.transforms.DropHeaders`]));
    expect(ofType('predicate')).toEqual([`${KAFKA}.transforms.predicates.HasHeaderKey`, `${KAFKA}.transforms.predicates.RecordIsTombstone`, `${KAFKA}.transforms.predicates.TopicNameMatches`]);
  });

  it("covers Debezium's transforms and converters, and the converters Kafka ships", () => {
    expect(ofType('transformation').filter((pluginClass) => pluginClass.startsWith('io.debezium.'))).toEqual(
      expect.arrayContaining([
        'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState',
        'io.debezium.connector.mongodb.transforms.outbox.MongoEventRouter',
        'io.debezium.connector.jdbc.transforms.CollectionNameTransformation',
        'io.debezium.transforms.ExtractNewRecordState',
        'io.debezium.transforms.outbox.EventRouter',
      ]),
    );
    expect(ofType('transformation').filter((pluginClass) => pluginClass.startsWith('io.debezium.'))).toHaveLength(18);
    expect(ofType('converter')).toEqual(expect.arrayContaining(['io.debezium.converters.CloudEventsConverter', `${KAFKA}.json.JsonConverter`, `${KAFKA}.storage.StringConverter`]));
    expect(ofType('header_converter')).toContain(`${KAFKA}.storage.SimpleHeaderConverter`);
  });
});

describe('the hand-written catalog on top of catalog/generated', () => {
  it.each(plugins.map((plugin) => [plugin.title, plugin] as const))('%s: every typed key is declared by the plugin, or listed as read but undeclared', (_title, plugin) => {
    const declared = new Set(Object.keys(GENERATED.get(plugin.connectorClass)!.keys));
    expect(plugin.knownKeys.filter((key) => !declared.has(key) && !(key in plugin.undeclaredKeys))).toEqual([]);
  });

  it.each(plugins.map((plugin) => [plugin.title, plugin] as const))('%s: no key listed as read but undeclared is declared after all', (_title, plugin) => {
    const declared = GENERATED.get(plugin.connectorClass)!.keys;
    expect(Object.keys(plugin.undeclaredKeys).filter((key) => key in declared)).toEqual([]);
  });

  it.each(plugins.map((plugin) => [plugin.title, plugin] as const))('%s: every key declared PASSWORD is a credential key, or a connection string checked by its value', (_title, plugin) => {
    const passwords = Object.entries(GENERATED.get(plugin.connectorClass)!.keys).filter(([, definition]) => definition.type === 'PASSWORD').map(([key]) => key);
    expect(passwords.filter((key) => !isSecretKey(plugin.connectorClass, key) && key !== 'connection.uri')).toEqual([]);
  });

  it('any PASSWORD option of a transform, predicate or converter is a credential key under its prefix', () => {
    const options = all.filter((definitions) => !definitions.types.includes('source') && !definitions.types.includes('sink'));
    const passwords = options.flatMap((definitions) => Object.entries(definitions.keys).filter(([, definition]) => definition.type === 'PASSWORD').map(([key]) => key));
    expect(passwords.filter((key) => !isSecretKey(undefined, `transforms.x.${key}`) || !isSecretKey(undefined, `value.converter.${key}`))).toEqual([]);
  });

  it.each(plugins.map((plugin) => [plugin.title, plugin] as const))('%s: a typed numeric or boolean key refuses a value of the wrong kind', (_title, plugin) => {
    const wrong: string[] = [];
    const checked: string[] = [];
    for (const [key, definition] of Object.entries(GENERATED.get(plugin.connectorClass)!.keys)) {
      if (!plugin.knownKeys.includes(key)) continue;
      const bad = ['INT', 'SHORT', 'LONG'].includes(definition.type) ? 'twelve' : definition.type === 'BOOLEAN' ? 'maybe' : undefined;
      if (!bad) continue;
      checked.push(key);
      const result = plugin.schema.safeParse({ 'connector.class': plugin.connectorClass, [key]: bad });
      const flagged = !result.success && result.error.issues.some((issue) => issue.path.join('.') === key);
      if (!flagged) wrong.push(`${key} (${definition.type}) accepts "${bad}"`);
    }
    expect(wrong).toEqual([]);
    expect(checked.length).toBeGreaterThan(0);
  });

  it('the hand-written transform and predicate rules name installed classes and options they declare or are known to read', () => {
    const stray: string[] = [];
    for (const spec of [...TRANSFORMS, ...PREDICATES]) {
      for (const pluginClass of spec.classes) {
        const declared = GENERATED.get(pluginClass)?.keys;
        if (!declared) stray.push(`${pluginClass} is not installed`);
        const undeclared = 'undeclaredOptions' in spec ? (spec.undeclaredOptions ?? []) : [];
        for (const option of spec.rules?.typed ?? []) if (declared && !(option in declared) && !undeclared.includes(option)) stray.push(`${pluginClass}: ${option}`);
      }
    }
    expect(stray).toEqual([]);
  });
});

/** The worker's answers rebuilt from the committed definitions: what the generator read to write them. */
function workerAnswers(definitions: readonly GeneratedPluginDefinitions[]): { list: WorkerPlugin[]; answers: Map<string, Array<Record<string, unknown>>> } {
  const list = definitions.flatMap((entry) => entry.types.map((type) => ({ class: entry.pluginClass, type, version: entry.version })));
  const answers = new Map(
    definitions.map((entry) => [
      entry.pluginClass,
      Object.entries(entry.keys).map(([name, key]) => ({ name, type: key.type, required: key.required, default_value: key.default, importance: key.importance, group: key.group, documentation: 'dropped' })),
    ]),
  );
  return { list, answers };
}

describe('cdcctl connectors catalog generate: the generator', () => {
  it('writes the committed files from the answers they were made of, byte for byte (no hand edits)', () => {
    const { list, answers } = workerAnswers(all);
    for (const file of catalogFiles(list, answers)) expect({ file: file.path, same: readFileSync(path.join(committed, file.path), 'utf8') === file.content }).toEqual({ file: file.path, same: true });
  });

  it('generates the same text from the same answer (sorted keys, stable text, display details dropped)', () => {
    const answer = [
      { name: 'b.key', type: 'INT', required: false, default_value: '5', importance: 'LOW', group: null, documentation: 'not kept' },
      { name: 'a.key', type: 'PASSWORD', required: true, default_value: null, importance: 'HIGH', group: 'G' },
    ];
    const text = connectorModule(pluginDefinitions('com.example.Plugin', ['sink'], '1.0', answer));
    expect(text).toBe(connectorModule(pluginDefinitions('com.example.Plugin', ['sink'], '1.0', [...answer].reverse())));
    expect(text.indexOf('"a.key"')).toBeLessThan(text.indexOf('"b.key"'));
    expect(text).toContain('"b.key": {"type":"INT","required":false,"default":"5","importance":"LOW","group":null},');
    expect(text).not.toContain('not kept');
    expect(() => pluginDefinitions('com.example.Plugin', ['sink'], '1.0', [{ name: 'x', type: 'MAP', importance: 'LOW' }])).toThrow(/unexpected config definition/);
  });

  it('makes one plugin of a class listed as converter and header converter, and refuses kinds it does not know', () => {
    const listed = [
      { class: 'b.Converter', type: 'header_converter', version: '1' },
      { class: 'b.Converter', type: 'converter', version: '1' },
      { class: 'a.Transform', type: 'transformation', version: '1' },
    ];
    expect(pluginsByClass(listed)).toEqual([
      { pluginClass: 'a.Transform', types: ['transformation'], version: '1' },
      { pluginClass: 'b.Converter', types: ['converter', 'header_converter'], version: '1' },
    ]);
    expect(() => pluginsByClass([{ class: 'x.Y', type: 'rest_extension' }])).toThrow(/x.Y: the worker lists it as "rest_extension"/);
  });

  it('names a catalog connector the worker lacks, and a connector the catalog has no module for', () => {
    const { list, answers } = workerAnswers(all);
    expect(() => catalogFiles(list.filter((plugin) => plugin.class !== 'io.debezium.connector.mongodb.MongoDbSinkConnector'), answers)).toThrow(/the worker lacks io.debezium.connector.mongodb.MongoDbSinkConnector/);
    expect(() => catalogFiles([...list, { class: 'com.example.SourceConnector', type: 'source', version: '1' }], answers)).toThrow(/no module for: com.example.SourceConnector/);
  });

  it('keeps only what the catalog uses of a key: no default and no group are null, and a key without a name is refused, quoted up to 200 characters', () => {
    const definitions = pluginDefinitions('com.mongodb.kafka.connect.MongoSinkConnector', ['sink'], '1.17.0', [{ name: 'topics', type: 'LIST', importance: 'HIGH' }]);
    expect(definitions.keys).toStrictEqual({ topics: { type: 'LIST', required: false, default: null, importance: 'HIGH', group: null } });
    const unnamed = { type: 'STRING', importance: 'LOW', documentation: 'The namespace mapper. '.repeat(20) };
    const message = `com.mongodb.kafka.connect.MongoSinkConnector: unexpected config definition from the worker: ${JSON.stringify(unnamed).slice(0, 200)}`;
    expect(() => pluginDefinitions('com.mongodb.kafka.connect.MongoSinkConnector', ['sink'], '1.17.0', [unnamed])).toThrow(new Error(message));
  });

  it('makes one plugin of one kind of a class installed twice, and calls a version the worker does not give "unknown"', () => {
    const listed = [
      { class: 'org.apache.kafka.connect.json.JsonConverter', type: 'converter', version: '4.1.1' },
      { class: 'org.apache.kafka.connect.json.JsonConverter', type: 'converter', version: '4.1.1' },
      { class: 'com.example.TopicRouter', type: 'transformation' },
    ];
    expect(pluginsByClass(listed)).toEqual([
      { pluginClass: 'com.example.TopicRouter', types: ['transformation'], version: 'unknown' },
      { pluginClass: 'org.apache.kafka.connect.json.JsonConverter', types: ['converter'], version: '4.1.1' },
    ]);
  });

  it('names every connector the worker lacks and every one the catalog has no module for, sorted, and a class without a config answer', () => {
    const { list, answers } = workerAnswers(all);
    const lacking = ['io.debezium.connector.mongodb.MongoDbSinkConnector', 'io.debezium.connector.jdbc.JdbcSinkConnector'];
    expect(() => catalogFiles(list.filter((plugin) => !lacking.includes(plugin.class)), answers)).toThrow(
      new Error('the worker lacks io.debezium.connector.mongodb.MongoDbSinkConnector, io.debezium.connector.jdbc.JdbcSinkConnector: generate against a worker with the pinned plugins (cdcctl local up)'),
    );
    const extra = [{ class: 'io.example.ZSourceConnector', type: 'source' }, { class: 'io.example.ASinkConnector', type: 'sink' }];
    expect(connectorCoverage([...list, ...extra]).unnamed).toEqual(['io.example.ASinkConnector', 'io.example.ZSourceConnector']);
    expect(() => catalogFiles([...list, ...extra], answers)).toThrow(
      new Error('the worker runs connector classes the catalog has no module for: io.example.ASinkConnector, io.example.ZSourceConnector (add them to CONNECTOR_MODULES in connectors/catalog/generate.ts)'),
    );
    const withoutAnswer = new Map(answers);
    withoutAnswer.delete(`${KAFKA}.transforms.Filter`);
    expect(() => catalogFiles(list, withoutAnswer)).toThrow(new Error(`${KAFKA}.transforms.Filter: no config definition from the worker`));
  });

  it('writes every module, sorted by path, and a class of two grouped kinds into both modules', () => {
    const { list, answers } = workerAnswers(all);
    const paths = [...Object.values(CONNECTOR_MODULES), 'converters', 'index', 'predicates', 'transforms'].map((module) => `${module}.ts`).sort();
    expect(catalogFiles(list, answers).map((file) => file.path)).toEqual(paths);
    const both = `${KAFKA}.transforms.predicates.RecordIsTombstone`;
    const files = catalogFiles([...list, { class: both, type: 'transformation', version: versions.kafka }], answers);
    for (const module of ['transforms.ts', 'predicates.ts']) expect(files.find((file) => file.path === module)!.content).toContain(`pluginClass: "${both}"`);
  });

  it('the committed index is what the generator writes', () => {
    expect(readFileSync(path.join(committed, 'index.ts'), 'utf8')).toBe(generatedIndex());
  });
});
