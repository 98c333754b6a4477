import type { z } from 'zod';

export type ConnectorKind = 'source' | 'sink';

/**
 * One connector plugin in the catalog: its class, the zod schema of its config (hand-written
 * refinements over the keys the worker reports in catalog/generated/), the keys that carry
 * credentials, and keys removed in earlier major versions with what replaces them.
 */
export interface PluginSpec {
  readonly connectorClass: string;
  readonly kind: ConnectorKind;
  /** Short human name used in messages. */
  readonly title: string;
  /** Schema over the whole string-valued config; unknown keys pass through (checked separately). */
  readonly schema: z.ZodType<unknown>;
  /** Keys whose value is a credential: only config-provider placeholders are accepted, and output masks them. */
  readonly secretKeys: readonly string[];
  /** Removed keys → the key (or advice) that replaces them. */
  readonly removedKeys: Readonly<Record<string, string>>;
  /** Prefixes of pass-through keys the plugin forwards to a client library (never reported as unknown). */
  readonly passThroughPrefixes: readonly string[];
}
