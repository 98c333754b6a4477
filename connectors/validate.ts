import type { z } from 'zod';
import { DEAD_LETTER_QUEUE_KEYS } from './catalog/common';
import { normaliseConfigValues } from './catalog/fields';
import { findPlugin } from './catalog';
import { GENERATED } from './catalog/generated';
import type { PluginSpec } from './catalog/plugin';
import { findPredicate, findTransform } from './catalog/transforms';
import { isConfigProviderPlaceholder } from '../config/secrets';
import { displayValue, isSecretKey } from './secrets';

/**
 * One validation gate for typed definitions and hand-written JSON alike: the config is checked by
 * the plugin's schema (keyed by `connector.class`), its transform chain, the shared error-handling
 * rules and the secrets rule. Every problem is reported, none stops the others from being found.
 */
export interface ValidationIssue {
  readonly connector: string;
  readonly field: string;
  readonly message: string;
  /** The offending value as it may be shown (secrets masked). */
  readonly value?: string;
  readonly severity: 'error' | 'warning';
}

export interface ValidateOptions {
  /** Accept connector classes the catalog does not know (only the generic checks run). @default false */
  readonly allowUnknownClass?: boolean;
}

export function formatIssue(issue: ValidationIssue): string {
  const got = issue.value === undefined ? '' : ` (got ${JSON.stringify(issue.value)})`;
  return `${issue.connector}: ${issue.field}: ${issue.message}${got}`;
}

/** Accepts `{"name", "config": {…}}` (the body Connect takes) or a flat config carrying `name`. */
export function validateConnectorJson(json: unknown, options: ValidateOptions = {}, origin = '(input)'): ValidationIssue[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return [{ connector: origin, field: '(root)', message: 'must be a JSON object {"name": …, "config": {…}}', severity: 'error' }];
  }
  const body = json as Record<string, unknown>;
  const rawConfig = typeof body.config === 'object' && body.config !== null ? (body.config as Record<string, unknown>) : body;
  const name = typeof body.name === 'string' ? body.name : typeof rawConfig.name === 'string' ? rawConfig.name : undefined;
  const connector = name ?? origin;
  const issues: ValidationIssue[] = [];
  if (!name) issues.push({ connector, field: 'name', message: 'is required', severity: 'error' });
  if (body.config !== undefined && (typeof body.config !== 'object' || body.config === null || Array.isArray(body.config))) {
    return [...issues, { connector, field: 'config', message: 'must be an object of string values', severity: 'error' }];
  }
  if (typeof rawConfig.name === 'string' && name && rawConfig.name !== name) {
    issues.push({ connector, field: 'config.name', message: `must equal the connector name "${name}"`, value: rawConfig.name, severity: 'error' });
  }
  const { config, problems } = normaliseConfigValues(rawConfig);
  for (const problem of problems) {
    issues.push({ connector, field: problem.field, message: 'must be a string, number or boolean', value: JSON.stringify(problem.value), severity: 'error' });
  }
  return [...issues, ...validateConnectorConfig(connector, config, options)];
}

export function validateConnectorConfig(connector: string, config: Readonly<Record<string, string>>, options: ValidateOptions = {}): ValidationIssue[] {
  const connectorClass = config['connector.class'];
  const issues: ValidationIssue[] = [];
  const issue = (field: string, message: string, severity: ValidationIssue['severity'] = 'error') =>
    issues.push({ connector, field, message, value: displayValue(connectorClass, field, config[field]), severity });

  if (!connectorClass) {
    issue('connector.class', 'is required');
    return issues;
  }
  const plugin = findPlugin(connectorClass);
  if (!plugin && !options.allowUnknownClass) {
    issue('connector.class', 'is not in the catalog (pass --allow-unknown-class to check only the generic rules)');
  }
  if (plugin) {
    const result = plugin.schema.safeParse(config);
    if (!result.success) {
      for (const zodIssue of result.error.issues) {
        const field = zodIssue.path.length ? zodIssue.path.map(String).join('.') : '(config)';
        issue(field, zodIssue.code === 'invalid_type' && config[field] === undefined ? 'is required' : zodIssue.message);
      }
    }
    for (const [key, replacement] of Object.entries(plugin.removedKeys)) {
      if (key in config) issue(key, `is no longer supported by the ${plugin.title} connector: use ${replacement}`);
    }
    for (const key of Object.keys(config)) {
      const nearest = nearMiss(plugin, key);
      if (nearest) issue(key, `is not a key the ${plugin.title} connector knows: did you mean "${nearest}"? (Kafka Connect ignores keys a plugin does not read)`, 'warning');
    }
    if (plugin.kind === 'source') {
      for (const key of DEAD_LETTER_QUEUE_KEYS) {
        if (key in config) issue(key, 'a dead-letter queue applies to sink connectors only: Kafka Connect never routes source records to it');
      }
    }
  }
  // Credentials: whatever the plugin, a credential-carrying key holds only a placeholder.
  for (const [key, value] of Object.entries(config)) {
    if (value && isSecretKey(connectorClass, key) && !isConfigProviderPlaceholder(value) && !issues.some((existing) => existing.field === key)) {
      issue(key, 'carries a credential: must be a config-provider placeholder such as ${dir:/etc/connect-secrets:key}, never a literal');
    }
  }
  issues.push(...validateTransformChain(connector, config));
  return issues;
}

/**
 * The known key `key` is probably a misspelling of: at most one edit away (two for keys longer than
 * 12 characters). Known: the keys the catalog types and those the plugin declares (catalog/generated/). Transform and predicate keys are checked by the chain; removed keys have their own
 * message; keys far from every known key pass, since no list of what a plugin reads is complete.
 */
export function nearMiss(plugin: Pick<PluginSpec, 'connectorClass' | 'knownKeys' | 'removedKeys'>, key: string): string | undefined {
  const known = knownKeysOf(plugin);
  if (known.has(key) || key in plugin.removedKeys || /^(transforms|predicates)\./.test(key)) return undefined;
  const limit = key.length > 12 ? 2 : 1;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    if (Math.abs(candidate.length - key.length) > limit) continue;
    const distance = editDistance(candidate, key, limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

const knownKeys = new Map<string, ReadonlySet<string>>();

/** Typed and declared keys of a plugin, built once per class (validation runs on every render, plan and apply). */
function knownKeysOf(plugin: Pick<PluginSpec, 'connectorClass' | 'knownKeys'>): ReadonlySet<string> {
  let known = knownKeys.get(plugin.connectorClass);
  if (!known) knownKeys.set(plugin.connectorClass, (known = new Set([...plugin.knownKeys, ...Object.keys(GENERATED.get(plugin.connectorClass)?.keys ?? {})])));
  return known;
}

/** Levenshtein distance with adjacent transpositions, giving up (returning limit + 1) past `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

function aliases(value: string | undefined): string[] {
  return (value ?? '').split(',').map((alias) => alias.trim()).filter(Boolean);
}

function optionsOf(config: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix) && key !== `${prefix}type`)
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

function validateTransformChain(connector: string, config: Readonly<Record<string, string>>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (field: string, message: string, value?: string) => issues.push({ connector, field, message, value, severity: 'error' });
  const predicateAliases = aliases(config.predicates);
  const transformAliases = aliases(config.transforms);
  for (const [list, what] of [[transformAliases, 'transforms'], [predicateAliases, 'predicates']] as const) {
    const seen = new Set<string>();
    for (const alias of list) {
      if (seen.has(alias)) add(what, `alias "${alias}" is listed twice`, config[what]);
      seen.add(alias);
    }
  }
  // Both kinds of alias: a type is required and must be one the catalog knows; its options parse.
  const checkAlias = <S extends { readonly options: z.ZodType<unknown> }>(
    kind: 'transforms' | 'predicates',
    alias: string,
    find: (type: string) => S | undefined,
  ) => {
    const prefix = `${kind}.${alias}.`;
    const type = config[`${prefix}type`];
    if (!type) return void add(`${prefix}type`, `is required for every alias in ${kind}`);
    const spec = find(type);
    if (!spec) return void add(`${prefix}type`, `is not a ${kind === 'transforms' ? 'transform' : 'predicate'} this catalog knows`, type);
    const options = optionsOf(config, prefix);
    for (const zodIssue of spec.options.safeParse(options).error?.issues ?? []) {
      const key = zodIssue.path.join('.');
      add(`${prefix}${key}`, options[key] === undefined ? 'is required' : zodIssue.message, options[key]);
    }
    return { spec, options, prefix };
  };
  for (const alias of predicateAliases) checkAlias('predicates', alias, findPredicate);
  for (const alias of transformAliases) {
    const checked = checkAlias('transforms', alias, findTransform);
    if (!checked) continue;
    const { spec, options, prefix } = checked;
    for (const [removed, replacement] of Object.entries(spec.removedOptions ?? {})) {
      if (removed in options) add(`${prefix}${removed}`, `is no longer supported by ${spec.title}: use ${replacement}`);
    }
    const predicate = options.predicate;
    if (predicate !== undefined && !predicateAliases.includes(predicate)) {
      add(`${prefix}predicate`, 'names a predicate that is not listed in predicates', predicate);
    }
    if (spec.requiresPredicate && predicate === undefined) {
      add(`${prefix}predicate`, `is required: ${spec.title} without a predicate drops every record`);
    }
  }
  // Keys for aliases that are not in the chain are silently ignored by Connect: a typo to report.
  for (const key of Object.keys(config)) {
    const match = /^(transforms|predicates)\.([^.]+)\./.exec(key);
    if (match && !(match[1] === 'transforms' ? transformAliases : predicateAliases).includes(match[2]!)) {
      add(key, `belongs to alias "${match[2]}", which is not listed in ${match[1]}`);
    }
  }
  return issues;
}
