import { z } from 'zod';
import { isConfigProviderPlaceholder } from '../../config/secrets';
import { bsonArrayProblem, bsonDocumentProblem, type BsonArrayDialect } from './bson-json';

/**
 * Kafka Connect takes every config value as a string. These field types check the string the
 * plugin will parse, as leniently as the plugin parses it (Kafka's ConfigDef trims numbers and reads
 * booleans without regard to case; Debezium's and the MongoDB connector's enums ignore case too), so a
 * hand-written JSON file and a typed definition pass the same gate and an error means a refusal.
 * Hand-written JSON may carry JSON numbers and booleans; `normaliseConfigValues` turns them into
 * the strings Connect stores before any check runs.
 */
export function integer(options: { min?: number; max?: number } = {}) {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return z.string().refine(
    (value) => /^\s*[-+]?\d+\s*$/.test(value) && Number(value) >= min && Number(value) <= max,
    { message: `must be an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}${max < Number.MAX_SAFE_INTEGER ? ` ≤ ${max}` : ''}` },
  );
}

/** `true` or `false`, in any case, as ConfigDef's BOOLEAN reads it. */
export function boolean() {
  return z.string().refine((value) => /^\s*(true|false)\s*$/i.test(value), { message: 'must be "true" or "false"' });
}

/** Whether a boolean value (already checked by `boolean()`) is true. */
export function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/** A value as the plugins compare enum values: trimmed, without regard to case. */
export function enumValue(value: string | undefined): string | undefined {
  return value?.trim().toLowerCase();
}

export interface OneOfOptions {
  /** Values the plugin took in an earlier version, with what replaces them (named in the message). */
  readonly removed?: Readonly<Record<string, string>>;
  /** Kafka's own `ConfigDef.ValidString` compares exactly. @default false (trimmed, any case) */
  readonly caseSensitive?: boolean;
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, options: OneOfOptions = {}) {
  const normalise = (value: string) => (options.caseSensitive ? value : enumValue(value)!);
  const allowed = new Set(values.map(normalise));
  return z.string().superRefine((value, ctx) => {
    if (allowed.has(normalise(value))) return;
    const replacement = options.removed?.[enumValue(value)!];
    ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}${replacement ? ` ("${value.trim()}" was removed: use ${replacement})` : ''}` });
  });
}

/** A comma-separated list with no empty entries. */
export function list() {
  return z.string().refine((value) => value.split(',').every((item) => item.trim().length > 0), {
    message: 'must be a comma-separated list without empty entries',
  });
}

/** An array of documents (an aggregation pipeline, say) as the plugin's BSON reader parses it (see bson-json.ts). */
export function bsonArray(what: string, dialect: BsonArrayDialect) {
  return z.string().superRefine((value, ctx) => {
    const problem = bsonArrayProblem(value, dialect);
    if (problem) ctx.addIssue({ code: 'custom', message: `must be an array of ${what} the plugin's BSON reader can parse: ${problem}` });
  });
}

/** One document as the MongoDB Kafka connector's BSON reader parses it (see bson-json.ts). */
export function bsonDocument(what: string) {
  return z.string().superRefine((value, ctx) => {
    const problem = bsonDocumentProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `must be ${what} the plugin's BSON reader can parse: ${problem}` });
  });
}

export function nonEmpty() {
  return z.string().min(1, { message: 'must not be empty' });
}

export interface MongoDbConnectionStringOptions {
  /**
   * The MongoDB Java driver 4.7.2 of the MongoDB Kafka connector refuses options without a `/` after
   * the hosts ("The connection string contains options without trailing slash"); Debezium's 5.6.2
   * takes them (issue 15 notes, harness run of com.mongodb.ConnectionString from both jars).
   */
  readonly slashBeforeOptions: boolean;
}

/**
 * A MongoDB connection string as `com.mongodb.ConnectionString` parses it, or a config-provider
 * placeholder. Credentials inside are the secrets rule's business (connectors/secrets.ts).
 */
export function mongoDbConnectionString(options: MongoDbConnectionStringOptions) {
  return z.string().superRefine((value, ctx) => {
    if (isConfigProviderPlaceholder(value)) return;
    if (!/^mongodb(\+srv)?:\/\//.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must start with mongodb:// or mongodb+srv:// (or be a config-provider placeholder): the driver refuses anything else' });
    } else if (options.slashBeforeOptions && /^mongodb(\+srv)?:\/\/[^/?]*\?/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'needs a "/" between the hosts and the "?" of its options: the MongoDB Kafka connector\'s driver (4.7.2) refuses it without' });
    }
  });
}

/** A JDBC URL (`jdbc:postgresql://…`) or a config-provider placeholder. */
export function jdbcUrl() {
  return z.string().refine((value) => /^jdbc:[a-z0-9]+:/i.test(value) || isConfigProviderPlaceholder(value), {
    message: 'must be a JDBC URL (jdbc:postgresql://…) or a config-provider placeholder',
  });
}

/** JSON numbers and booleans become the strings Connect stores; anything else is reported. */
export function normaliseConfigValues(config: Record<string, unknown>): { config: Record<string, string>; problems: Array<{ field: string; value: unknown }> } {
  const normalised: Record<string, string> = {};
  const problems: Array<{ field: string; value: unknown }> = [];
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'string') normalised[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') normalised[key] = String(value);
    else problems.push({ field: key, value });
  }
  return { config: normalised, problems };
}

/**
 * Java's regular-expression syntax (`java.util.regex.Pattern`) in what JavaScript can check: inline
 * flags such as `(?i)`, possessive quantifiers, atomic groups, `\Q…\E` quoting and Java's character
 * classes are rewritten to an equivalent before compiling, so only a pattern Java refuses too
 * (an unbalanced group, a dangling quantifier, …) is reported.
 */
export function javaRegexProblem(pattern: string): string | undefined {
  const rewritten = pattern
    .replace(/\\Q([\s\S]*?)(\\E|$)/g, (_, quoted: string) => quoted.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .replace(/\(\?[imsux]+\)/g, '')
    .replace(/\(\?([imsux-]+):/g, '(?:')
    .replace(/\(\?>/g, '(?:')
    .replace(/([*+?}])\+/g, '$1')
    .replace(/\\p\{(java|Is)?\w+\}|\\P\{(java|Is)?\w+\}|\\[hHvVRX]/g, '.')
    // An anchor becomes an empty group, not nothing: Java quantifies it like any atom (`\A?`).
    .replace(/\\[AzZG]/g, '(?:)');
  try {
    new RegExp(rewritten);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: \/[\s\S]*\/: /, '');
  }
}

/** A Java regular expression (see javaRegexProblem). */
export function javaRegex() {
  return z.string().superRefine((value, ctx) => {
    const problem = javaRegexProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${problem}` });
  });
}
