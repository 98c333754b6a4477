import type { ConfigKeyDefinition, GeneratedPluginDefinitions } from './generated/types';
import type { Finding } from './plugin';

/**
 * Checks from what a plugin declares to the worker (`catalog/generated/`), for the keys no
 * hand-written rule types: the value parses as the declared type, a required key is there, and a key
 * the plugin does not declare is one it ignores.
 */

const PROVIDER_PLACEHOLDER = /\$\{[a-z]+:[^}]*\}/i;

/** Kafka's ConfigDef.parseType, as far as it can refuse a string (values are trimmed first). */
const TYPE_CHECKS: Partial<Record<ConfigKeyDefinition['type'], { readonly test: (value: string) => boolean; readonly what: string }>> = {
  BOOLEAN: { test: (value) => /^(true|false)$/i.test(value), what: '"true" or "false"' },
  SHORT: { test: (value) => fitsInteger(value, 16), what: 'a whole number between -32768 and 32767' },
  INT: { test: (value) => fitsInteger(value, 32), what: 'a whole number between -2147483648 and 2147483647' },
  LONG: { test: (value) => fitsInteger(value, 64), what: 'a whole number (64-bit)' },
  DOUBLE: { test: (value) => /^[-+]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[dDfF]?)$/.test(value), what: 'a number' },
};

function fitsInteger(value: string, bits: number): boolean {
  if (!/^[-+]?\d+$/.test(value)) return false;
  const parsed = BigInt(value);
  const limit = 1n << BigInt(bits - 1);
  return parsed >= -limit && parsed < limit;
}

/** Why the plugin's ConfigDef refuses `value`, or undefined. A config-provider placeholder is resolved later, by the worker: not checked. */
export function declaredTypeProblem(definition: ConfigKeyDefinition, value: string): string | undefined {
  const check = TYPE_CHECKS[definition.type];
  if (!check || PROVIDER_PLACEHOLDER.test(value) || check.test(value.trim())) return undefined;
  return `must be ${check.what} (the plugin declares it ${definition.type})`;
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

/** The known key `key` is probably a misspelling of: at most one edit away (two for keys longer than 12 characters). */
export function nearestKey(known: Iterable<string>, key: string): string | undefined {
  const limit = key.length > 12 ? 2 : 1;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    if (candidate === key || Math.abs(candidate.length - key.length) > limit) continue;
    const distance = editDistance(candidate, key, limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

export interface DeclaredOptions {
  /** Prefix of the options in the connector config (`transforms.unwrap.`), for the fields reported. */
  readonly prefix: string;
  /** The options, without the prefix. */
  readonly options: Readonly<Record<string, string>>;
  readonly definitions: GeneratedPluginDefinitions;
  /** The plugin's name in messages (`ExtractNewRecordState`). */
  readonly title: string;
  /** Options hand-written rules type: no generic type or required check for them. */
  readonly typed?: readonly string[];
  /** Options read without being declared, or set by Connect itself (a transform's `predicate`, a converter's `converter.type`). */
  readonly alsoKnown?: readonly string[];
}

/** An option under an ignored option (`delegate.converter.type.schemas.enable` under `delegate.converter.type`) is that option's business. */
function underReportedOption(option: string, unknown: ReadonlySet<string>): boolean {
  const parts = option.split('.');
  return parts.slice(1).some((_, index) => unknown.has(parts.slice(0, index + 1).join('.')));
}

/** Type, required and unknown-option findings for a plugin configured through prefixed keys. */
export function declaredOptionFindings(params: DeclaredOptions): Finding[] {
  const { prefix, options, definitions, title, typed = [], alsoKnown = [] } = params;
  const findings: Finding[] = [];
  const known = new Set([...Object.keys(definitions.keys), ...alsoKnown, ...typed]);
  const unknown = new Set(Object.keys(options).filter((option) => !known.has(option)));
  for (const [option, value] of Object.entries(options)) {
    const definition = definitions.keys[option];
    const problem = definition && !typed.includes(option) ? declaredTypeProblem(definition, value) : undefined;
    if (problem) findings.push({ field: `${prefix}${option}`, severity: 'error', message: problem });
    if (!unknown.has(option) || underReportedOption(option, unknown)) continue;
    const nearest = nearestKey(known, option);
    findings.push({
      field: `${prefix}${option}`,
      severity: 'warning',
      message: nearest ? `is not an option of ${title}: did you mean "${nearest}"? (${title} ignores options it does not declare)` : `is not an option of ${title}, which ignores it`,
    });
  }
  for (const [option, definition] of Object.entries(definitions.keys)) {
    if (definition.required && definition.default === null && !(option in options) && !typed.includes(option) && !alsoKnown.includes(option)) {
      findings.push({ field: `${prefix}${option}`, severity: 'error', message: `is required by ${title}` });
    }
  }
  return findings;
}
