import { findLiteralCredential, isConfigProviderPlaceholder, MASK, maskCredentials } from '../config/secrets';
import { printable } from './connect/untrusted-text';
import { findPlugin } from './catalog';
import { GENERATED } from './catalog/generated';

/**
 * Keys whose whole value is a credential whatever the plugin: passwords (every PASSWORD-typed key a
 * Kafka client or plugin declares ends so: `mongodb.password`, `connection.password`,
 * `*.ssl.keystore.password`, `connection.ssl.truststorePassword`, …), secrets, tokens, API keys, a
 * converter's `basic.auth.user.info` (`user:password` for a schema registry) and private key material
 * (`ssl.keystore.key`, `ssl.key.password`).
 */
const CREDENTIAL_KEY = /(password|secret|api\.key|token$|basic\.auth\.user\.info$|ssl\.keystore\.key$)/i;

/**
 * Connection strings: declared PASSWORD by the MongoDB Kafka connector (`connection.uri`), STRING by
 * Debezium (`mongodb.connection.string`, `connection.url`), legitimately literal without a password
 * (`mongodb://host:27017/?replicaSet=rs0`). Their value is what decides: a password inside is a
 * credential (findLiteralCredential), as it is in any other value.
 */
const CONNECTION_STRING_KEYS = new Set(['connection.uri', 'connection.url', 'mongodb.connection.string']);

function declaresPassword(connectorClass: string | undefined, key: string): boolean {
  return connectorClass !== undefined && GENERATED.get(connectorClass)?.keys[key]?.type === 'PASSWORD';
}

/** A key whose whole value is a credential: only a config-provider placeholder may stand there, and output masks it. */
export function isSecretKey(connectorClass: string | undefined, key: string): boolean {
  if (CONNECTION_STRING_KEYS.has(key)) return false;
  const plugin = connectorClass ? findPlugin(connectorClass) : undefined;
  return Boolean(plugin?.secretKeys.includes(key)) || declaresPassword(connectorClass, key) || CREDENTIAL_KEY.test(key);
}

/**
 * Why the value of `key` is a literal credential, or undefined: a literal under a credential key, or a
 * password inside any value (a URI's user info, a JDBC URL's `password=`, a JAAS line).
 */
export function credentialProblem(connectorClass: string | undefined, key: string, value: string): string | undefined {
  if (!value) return undefined;
  if (isSecretKey(connectorClass, key)) {
    return isConfigProviderPlaceholder(value) ? undefined : 'carries a credential: must be a config-provider placeholder such as ${dir:/etc/connect-secrets:key}, never a literal';
  }
  const form = findLiteralCredential(value);
  return form && `carries a credential (${form}): put the whole value, or the password alone, in a config-provider placeholder such as \${dir:/etc/connect-secrets:key}`;
}

/**
 * The value as it may be shown: a config-provider placeholder is a reference, not a secret, and is
 * shown so a reviewer sees which secret moved; anything else under a credential key is masked, and a
 * password inside any other value (a URI's, a JDBC URL's) is masked where it stands.
 */
export function displayValue(connectorClass: string | undefined, key: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isSecretKey(connectorClass, key)) return maskCredentials(value);
  return isConfigProviderPlaceholder(value) ? value : MASK;
}

export function maskConfig(config: Readonly<Record<string, string>>): Record<string, string> {
  const connectorClass = config['connector.class'];
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, displayValue(connectorClass, key, value) as string]));
}

/** How much of one name, field or value a message shows; a longer one is cut, saying how much was left out. */
export const MAX_SHOWN_LENGTH = 200;

/**
 * Text from outside (a connector's name, a field, a value, a worker's or a library's message) as a
 * terminal or a file may receive it: every literal credential masked first (so a cut cannot leave
 * half a password behind), then control characters shown instead of obeyed (an escape sequence too:
 * `orders\u001b[2J` is not the connector `orders`), newlines as `\n`, and the length capped. The
 * one helper for every issue line and error message.
 */
export function shownText(text: string, maxLength = MAX_SHOWN_LENGTH): string {
  return printable(maskCredentials(text).replace(/\u001b/g, '\\u001b'), { maxLength });
}
