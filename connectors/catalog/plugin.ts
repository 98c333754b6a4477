import type { z } from 'zod';

export type ConnectorKind = 'source' | 'sink';

/** One problem the catalog finds in a config, before the gate adds the connector and masks the value. */
export interface Finding {
  readonly field: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/**
 * One connector plugin in the catalog: hand-written rules on top of what the plugin declares to the
 * worker (`catalog/generated/`, from `GET /connector-plugins/{class}/config`). A key is known when the
 * schema types it, the plugin declares it, or it is listed here as read but undeclared; a key in none
 * of those, nor under a pass-through prefix, is one Kafka Connect hands over and the plugin ignores.
 */
export interface PluginSpec {
  readonly connectorClass: string;
  readonly kind: ConnectorKind;
  /** Short human name used in messages. */
  readonly title: string;
  /** Schema over the whole string-valued config; keys it does not type pass through. */
  readonly schema: z.ZodType<unknown>;
  /** The keys the schema types. */
  readonly knownKeys: readonly string[];
  /**
   * Keys the plugin reads but does not declare in its ConfigDef (so they are missing from
   * `catalog/generated/`), each with how that was established. A unit test keeps every one undeclared.
   */
  readonly undeclaredKeys: Readonly<Record<string, string>>;
  /** Keys whose whole value is a credential, beyond those the plugin declares PASSWORD. */
  readonly secretKeys: readonly string[];
  /**
   * Keys the pinned plugin does not read although they look like they configure it (removed in an
   * earlier version, or another plugin's), with what replaces them: an error, since the connector
   * silently does something other than what is written.
   */
  readonly removedKeys: Readonly<Record<string, string>>;
  /** Keys the plugin still honours but deprecates, with their replacement: a warning. */
  readonly deprecatedKeys: Readonly<Record<string, string>>;
  /**
   * Keys (a trailing `.` makes a prefix) the plugin never reads and whose absence changes nothing,
   * with why people write them: a warning to remove them.
   */
  readonly ignoredKeys: Readonly<Record<string, string>>;
  /** Prefixes of open-ended pass-through keys the plugin forwards (to a client library, a channel). */
  readonly passThroughPrefixes: readonly string[];
  /** List keys whose entries name key prefixes: Debezium's `converters=isbn` reads `isbn.*`. */
  readonly aliasListKeys?: readonly string[];
  /** The prefix of per-topic overrides whose suffix is one of the plugin's keys (`topic.override.<topic>.<key>`). */
  readonly topicOverridePrefix?: string;
  /** Warnings that look at several keys or at values the plugin accepts but ignores or deprecates. */
  readonly warnings?: (config: Readonly<Record<string, string>>) => Finding[];
}
