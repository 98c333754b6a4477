import { environmentSchema, type Environment, type EnvironmentInput } from './schema';
import { local } from './environments/local';
import { localStandIn } from './environments/local-standin';
import { staging } from './environments/staging';
import { production } from './environments/production';

export * from './schema';
export { versions } from './versions';
export { EXACTLY_ONCE_SOURCE_LEVELS, WORKER_DELIVERY_PROPERTIES, workerDeliveryProperties, type ExactlyOnceSourceLevel } from './delivery';
export { STANDIN_CONNECTION_STRING_ENV } from './environments/local-standin';

// A Map, not an object: a name such as `constructor` or `__proto__` is no environment, not Object's.
const ENVIRONMENTS: ReadonlyMap<string, EnvironmentInput> = new Map([
  ['local', local],
  ['local-standin', localStandIn],
  ['staging', staging],
  ['production', production],
]);

export const ENVIRONMENT_NAMES = [...ENVIRONMENTS.keys()];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment definition; every problem is reported at once, each with its path. */
export function parseEnvironment(input: unknown): Environment {
  const result = environmentSchema.safeParse(input);
  if (result.success) return result.data;
  const name = typeof input === 'object' && input && 'name' in input ? String((input as { name: unknown }).name) : '?';
  const lines = result.error.issues.map((issue) => `environment ${name}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(lines.join('\n'));
}

export interface LoadEnvironmentOptions {
  /** Replaces `connect.url` (a local runtime on another port, say). */
  readonly connectUrl?: string;
  /** Replaces `connect.exactlyOnceSource`: the level the workers actually run at (a local runtime started with another). */
  readonly exactlyOnceSource?: Environment['connect']['exactlyOnceSource'];
}

export function loadEnvironment(name: string, options: LoadEnvironmentOptions = {}): Environment {
  const input = ENVIRONMENTS.get(name);
  if (!input) {
    throw new ConfigError(`unknown environment ${JSON.stringify(name)} (known: ${ENVIRONMENT_NAMES.join(', ')})`);
  }
  const environment = parseEnvironment(input);
  const connect = { ...environment.connect, ...(options.connectUrl ? { url: options.connectUrl } : {}), ...(options.exactlyOnceSource ? { exactlyOnceSource: options.exactlyOnceSource } : {}) };
  return { ...environment, connect };
}

export function loadAllEnvironments(): Environment[] {
  return ENVIRONMENT_NAMES.map((name) => loadEnvironment(name));
}
