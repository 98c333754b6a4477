import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { versions } from '../../../../config';
import { PLUGINS } from '../../../../connectors/catalog';
import { GENERATED_MODULES, generatedIndex, generatedModule, pluginDefinitions } from '../../../../connectors/catalog/generate';
import { GENERATED } from '../../../../connectors/catalog/generated';
import { isSecretKey } from '../../../../connectors/secrets';

/**
 * The hand-written catalog against catalog/generated/ (what a worker running the pinned plugins
 * declares; tests/integration/catalog-generated.test.ts checks the files against the live worker).
 */
const plugins = [...PLUGINS.values()];
const pinned: Record<string, string> = {
  'io.debezium.connector.mongodb.MongoDbConnector': versions.debezium,
  'io.debezium.connector.jdbc.JdbcSinkConnector': versions.debezium,
  'com.mongodb.kafka.connect.MongoSourceConnector': versions.mongoKafkaConnect,
  'com.mongodb.kafka.connect.MongoSinkConnector': versions.mongoKafkaConnect,
};

describe('catalog/generated: the plugins as the worker declares them', () => {
  it('has a generated module for every catalog plugin, at the version config/versions.ts pins', () => {
    expect(Object.keys(GENERATED_MODULES).sort()).toEqual(plugins.map((plugin) => plugin.connectorClass).sort());
    for (const plugin of plugins) expect([plugin.connectorClass, GENERATED.get(plugin.connectorClass)?.version]).toEqual([plugin.connectorClass, pinned[plugin.connectorClass]]);
  });

  it.each(plugins.map((plugin) => [plugin.title, plugin] as const))('%s: every typed key is declared by the plugin, or listed as read but undeclared', (_title, plugin) => {
    const declared = new Set(Object.keys(GENERATED.get(plugin.connectorClass)!.keys));
    expect(plugin.knownKeys.filter((key) => !declared.has(key)).sort()).toEqual(Object.keys(plugin.undeclaredKeys).sort());
  });

  it.each(plugins.map((plugin) => [plugin.title, plugin] as const))('%s: every key declared PASSWORD is a credential key of the catalog', (_title, plugin) => {
    const passwords = Object.entries(GENERATED.get(plugin.connectorClass)!.keys).filter(([, definition]) => definition.type === 'PASSWORD').map(([key]) => key);
    expect(passwords.filter((key) => !isSecretKey(plugin.connectorClass, key))).toEqual([]);
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

  it('generates its files the same way from the same answer (sorted keys, stable text)', () => {
    const answer = [
      { name: 'b.key', type: 'INT', required: false, default_value: '5', importance: 'LOW', group: null, documentation: 'not kept' },
      { name: 'a.key', type: 'PASSWORD', required: true, default_value: null, importance: 'HIGH', group: 'G' },
    ];
    const text = generatedModule(pluginDefinitions('com.example.Plugin', '1.0', answer));
    expect(text).toBe(generatedModule(pluginDefinitions('com.example.Plugin', '1.0', [...answer].reverse())));
    expect(text.indexOf('"a.key"')).toBeLessThan(text.indexOf('"b.key"'));
    expect(text).toContain('"b.key": {"type":"INT","required":false,"default":"5","importance":"LOW","group":null},');
    expect(text).not.toContain('not kept');
    expect(() => pluginDefinitions('com.example.Plugin', '1.0', [{ name: 'x', type: 'MAP', importance: 'LOW' }])).toThrow(/unexpected config definition/);
  });

  it('the committed index is what the generator writes', () => {
    expect(readFileSync(path.join(__dirname, '../../../../connectors/catalog/generated/index.ts'), 'utf8')).toBe(generatedIndex());
  });
});
