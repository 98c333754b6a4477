import { CHECKED_PREFIXES, CONNECT_PASS_THROUGH_PREFIXES, DEAD_LETTER_QUEUE_KEYS } from './common';
import { declaredTypeProblem, nearestKey } from './declared';
import { GENERATED } from './generated';
import type { Finding, PluginSpec } from './plugin';

/**
 * The connector's own keys against its plugin: removed keys (an error: the connector silently does
 * something other than what is written), deprecated ones (a warning naming the replacement), keys the
 * plugin never reads (a warning: Kafka Connect hands every key over and the plugin ignores those it
 * does not read), values of declared keys that do not parse as their declared type, and dead-letter
 * queue keys on a source.
 */

const knownKeys = new Map<string, ReadonlySet<string>>();

/** Keys the plugin reads: typed, declared (catalog/generated/), or read but undeclared. Built once per class. */
export function knownKeysOf(plugin: PluginSpec): ReadonlySet<string> {
  let known = knownKeys.get(plugin.connectorClass);
  if (!known) {
    known = new Set([...plugin.knownKeys, ...Object.keys(GENERATED.get(plugin.connectorClass)?.keys ?? {}), ...Object.keys(plugin.undeclaredKeys)]);
    knownKeys.set(plugin.connectorClass, known);
  }
  return known;
}

function ignoredReason(plugin: PluginSpec, key: string): string | undefined {
  const match = Object.keys(plugin.ignoredKeys).find((ignored) => (ignored.endsWith('.') ? key.startsWith(ignored) : key === ignored));
  return match === undefined ? undefined : plugin.ignoredKeys[match];
}

/** Prefixes whose keys are not the connector's: the chain's, the converters', client overrides, the plugin's pass-throughs and its aliases' (`isbn.` for `converters=isbn`). */
function passThroughPrefixes(plugin: PluginSpec, config: Readonly<Record<string, string>>): string[] {
  const aliases = (plugin.aliasListKeys ?? []).flatMap((listKey) => (config[listKey] ?? '').split(',').map((alias) => alias.trim()).filter(Boolean));
  return [...CHECKED_PREFIXES, ...CONNECT_PASS_THROUGH_PREFIXES, ...plugin.passThroughPrefixes, ...aliases.map((alias) => `${alias}.`)];
}

/** `topic.override.<topic>.<key>`: known when it ends with one of the plugin's keys (topic names may hold dots). */
function isTopicOverride(plugin: PluginSpec, key: string, known: ReadonlySet<string>): boolean {
  const prefix = plugin.topicOverridePrefix;
  if (!prefix || !key.startsWith(prefix)) return false;
  const rest = key.slice(prefix.length);
  return [...known].some((candidate) => rest.endsWith(`.${candidate}`) && rest.length > candidate.length + 1);
}

function unknownKeyFinding(plugin: PluginSpec, key: string, known: ReadonlySet<string>): Finding {
  const nearest = nearestKey(known, key);
  return {
    field: key,
    severity: 'warning',
    message: nearest
      ? `is not a key the ${plugin.title} connector knows: did you mean "${nearest}"? (Kafka Connect ignores keys a plugin does not read)`
      : `is not a key the ${plugin.title} connector reads: Kafka Connect hands it over and the plugin ignores it`,
  };
}

function keyFinding(plugin: PluginSpec, key: string, config: Readonly<Record<string, string>>, known: ReadonlySet<string>): Finding | undefined {
  const declared = GENERATED.get(plugin.connectorClass)?.keys[key];
  if (plugin.kind === 'source' && (DEAD_LETTER_QUEUE_KEYS as readonly string[]).includes(key) && !declared) {
    return { field: key, severity: 'error', message: 'a dead-letter queue applies to sink connectors only: Kafka Connect never routes source records to it' };
  }
  if (key in plugin.removedKeys) return { field: key, severity: 'error', message: `is no longer supported by the ${plugin.title} connector: use ${plugin.removedKeys[key]}` };
  if (key in plugin.deprecatedKeys) {
    return { field: key, severity: 'warning', message: `is deprecated by the ${plugin.title} connector, which still reads it: use ${plugin.deprecatedKeys[key]}` };
  }
  const ignored = ignoredReason(plugin, key);
  if (ignored) return { field: key, severity: 'warning', message: `is not read by the ${plugin.title} connector (${ignored}): remove it` };
  if (declared && !plugin.knownKeys.includes(key)) {
    const problem = declaredTypeProblem(declared, config[key]!);
    return problem ? { field: key, severity: 'error', message: problem } : undefined;
  }
  if (known.has(key) || passThroughPrefixes(plugin, config).some((prefix) => key.startsWith(prefix)) || isTopicOverride(plugin, key, known)) return undefined;
  return unknownKeyFinding(plugin, key, known);
}

/** Every finding about the connector's own keys, one per key at most. */
export function keyFindings(plugin: PluginSpec, config: Readonly<Record<string, string>>): Finding[] {
  const known = knownKeysOf(plugin);
  return Object.keys(config).flatMap((key) => keyFinding(plugin, key, config, known) ?? []);
}
