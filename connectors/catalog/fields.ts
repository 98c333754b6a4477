import { z } from 'zod';
import { isConfigProviderPlaceholder } from '../../config/secrets';

/**
 * Kafka Connect takes every config value as a string. These field types check the string the
 * worker will parse, so a hand-written JSON file and a typed definition pass the same gate.
 * Hand-written JSON may carry JSON numbers and booleans; `normaliseConfigValues` turns them into
 * the strings Connect stores before any check runs.
 */
export function integer(options: { min?: number; max?: number } = {}) {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return z.string().refine(
    (value) => /^-?\d+$/.test(value) && Number(value) >= min && Number(value) <= max,
    { message: `must be an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}${max < Number.MAX_SAFE_INTEGER ? ` ≤ ${max}` : ''}` },
  );
}

export function boolean() {
  return z.enum(['true', 'false'], { message: 'must be "true" or "false"' });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { message: `must be one of ${values.join(', ')}` });
}

/** A comma-separated list with no empty entries. */
export function list() {
  return z.string().refine((value) => value.split(',').every((item) => item.trim().length > 0), {
    message: 'must be a comma-separated list without empty entries',
  });
}

/** A JSON array (an aggregation pipeline, say), as a string. */
export function jsonArray(what: string) {
  return z.string().refine(
    (value) => {
      try {
        return Array.isArray(JSON.parse(value));
      } catch {
        return false;
      }
    },
    { message: `must be a JSON array of ${what}` },
  );
}

export function nonEmpty() {
  return z.string().min(1, { message: 'must not be empty' });
}

/** A credential: only a config-provider placeholder such as ${dir:/etc/connect-secrets:key}. */
export function secret() {
  return z.string().refine(isConfigProviderPlaceholder, {
    message: 'carries a credential: must be a config-provider placeholder such as ${dir:/etc/connect-secrets:key}, never a literal',
  });
}

/** A connection string whose credentials, if any, must come from a placeholder. */
export function connectionStringWithoutLiteralCredentials() {
  return z.string().refine((value) => isConfigProviderPlaceholder(value) || !/^[a-z+]+:\/\/[^/@]*:[^/@]*@/i.test(value), {
    message: 'embeds a literal password: use a config-provider placeholder for the whole connection string',
  });
}

export type ConfigMap = Readonly<Record<string, string>>;

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
