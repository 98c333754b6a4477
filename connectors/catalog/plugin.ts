import type { z } from 'zod';

export type ConnectorKind = 'source' | 'sink';

/**
 * One connector plugin in the catalog: its class, the zod schema of its config (hand-written, checked
 * by hand against the live worker's `GET /connector-plugins/{class}/config`), the keys that carry
 * credentials, and keys removed in earlier major versions with what replaces them.
 */
export interface PluginSpec {
  readonly connectorClass: string;
  readonly kind: ConnectorKind;
  /** Short human name used in messages. */
  readonly title: string;
  /** Schema over the whole string-valued config; keys it does not type pass through. */
  readonly schema: z.ZodType<unknown>;
  /**
   * The keys the schema types. Not every key the plugin reads (the worker's own definitions miss some
   * too), so an unknown key is reported only when it is a near miss of one of these.
   */
  readonly knownKeys: readonly string[];
  /** Keys whose value is a credential: only config-provider placeholders are accepted, and output masks them. */
  readonly secretKeys: readonly string[];
  /** Removed keys → the key (or advice) that replaces them. */
  readonly removedKeys: Readonly<Record<string, string>>;
  /**
   * Typed keys the plugin reads but does not declare in its ConfigDef (so they are missing from
   * `catalog/generated/`), each with how that was established. A unit test keeps this list exact.
   */
  readonly undeclaredKeys: Readonly<Record<string, string>>;
  /** Prefixes of pass-through keys the plugin forwards to a client library (reported only as near misses of a known key). */
  readonly passThroughPrefixes: readonly string[];
}
