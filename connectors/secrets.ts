import { isConfigProviderPlaceholder, MASK } from '../config/secrets';
import { findPlugin } from './catalog';

/** Key names that carry credentials whatever the plugin (Kafka's own PASSWORD-typed keys follow these). */
const CREDENTIAL_KEY = /(password|secret|\.jaas\.config$|connection\.uri$|connection\.string$|api\.key|token$)/i;

export function isSecretKey(connectorClass: string | undefined, key: string): boolean {
  const plugin = connectorClass ? findPlugin(connectorClass) : undefined;
  return Boolean(plugin?.secretKeys.includes(key)) || CREDENTIAL_KEY.test(key);
}

/**
 * The value as it may be shown: a config-provider placeholder is a reference, not a secret, and is
 * shown so a reviewer sees which secret moved; anything else under a secret key is masked.
 */
export function displayValue(connectorClass: string | undefined, key: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isSecretKey(connectorClass, key)) return value;
  return isConfigProviderPlaceholder(value) ? value : MASK;
}

export function maskConfig(config: Readonly<Record<string, string>>): Record<string, string> {
  const connectorClass = config['connector.class'];
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, displayValue(connectorClass, key, value) as string]));
}
