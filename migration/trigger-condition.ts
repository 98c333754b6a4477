/**
 * What an Atlas Database trigger filters (operation types, `match`, `project`) expressed for the
 * Debezium MongoDB source: a `$match` on the change event, carried in the source's `cursor.pipeline`.
 * An Atlas trigger's `match` is itself a `$match` on the change event, and Debezium appends user
 * stages after its own (`cursor.pipeline.order=internal_first`, whose last stage restores the
 * original event), so the expression carries over unchanged. Pure functions.
 */

/** A `$match` expression over change-stream events; `undefined` means every event. */
export type { ChangeCondition } from '../connectors/change-filter';
import type { ChangeCondition } from '../connectors/change-filter';
export { cursorPipelineFor, type CollectionCondition } from '../connectors/change-filter';

export interface Translation<T> {
  readonly value: T;
  /** What was carried over, one line each. */
  readonly expressed: readonly string[];
  /** What the connector cannot do the way the trigger did: listed for a person, never dropped. */
  readonly unexpressed: readonly string[];
}

/** Atlas operation type → change-stream `operationType` for the changes Debezium emits. */
const DATA_OPERATIONS: Readonly<Record<string, string>> = { INSERT: 'insert', UPDATE: 'update', REPLACE: 'replace', DELETE: 'delete' };
/** Collection/database events a trigger can watch; Debezium emits no record for them. */
const DDL_OPERATIONS = new Set([
  'CREATE_COLLECTION',
  'MODIFY_COLLECTION',
  'RENAME_COLLECTION',
  'DROP_COLLECTION',
  'SHARD_COLLECTION',
  'RESHARD_COLLECTION',
  'REFINE_COLLECTION_SHARD_KEY',
  'DROP_DATABASE',
  'CREATE_INDEXES',
  'DROP_INDEXES',
]);
/** Operators that run JavaScript on the server: not carried into a connector's configuration. */
const SERVER_SIDE_JAVASCRIPT = ['$where', '$function', '$accumulator'];

function findOperators(value: unknown, operators: readonly string[], found = new Set<string>(), depth = 0): Set<string> {
  if (depth > 64 || value === null || typeof value !== 'object') return found;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (operators.includes(key)) found.add(key);
    findOperators(inner, operators, found, depth + 1);
  }
  return found;
}

export interface TriggerFilterInput {
  readonly operationTypes?: readonly string[];
  readonly match?: Readonly<Record<string, unknown>>;
  readonly fullDocument?: boolean;
}

/** One trigger's operation types and match → one condition on change events. */
export function triggerCondition(input: TriggerFilterInput): Translation<ChangeCondition | undefined> {
  const expressed: string[] = [];
  const unexpressed: string[] = [];
  const parts: ChangeCondition[] = [];
  const requested = [...new Set((input.operationTypes ?? []).map((type) => type.toUpperCase()))];
  const data = requested.filter((type) => type in DATA_OPERATIONS);
  const ddl = requested.filter((type) => DDL_OPERATIONS.has(type));
  const unknown = requested.filter((type) => !(type in DATA_OPERATIONS) && !DDL_OPERATIONS.has(type));
  if (ddl.length) {
    unexpressed.push(`operation types ${ddl.join(', ')}: collection and database events; Debezium emits no change record for them, so nothing reaches the warehouse for these`);
  }
  if (unknown.length) unexpressed.push(`operation types ${unknown.join(', ')}: not operation types this tool knows; not carried over`);
  if (requested.length === 0) {
    unexpressed.push('no operation types: the trigger config lists none; the connector captures inserts, updates, replaces and deletes');
  } else if (data.length === 0) {
    unexpressed.push('no data operation (INSERT, UPDATE, REPLACE, DELETE) among the operation types: the stream path would carry changes the trigger never saw');
  } else if (data.length < Object.keys(DATA_OPERATIONS).length) {
    const operations = data.map((type) => DATA_OPERATIONS[type]!);
    parts.push({ operationType: { $in: operations } });
    expressed.push(`operation types ${data.join(', ')} → cursor.pipeline $match operationType ∈ [${operations.join(', ')}] (only these changes are captured)`);
  } else {
    expressed.push('operation types INSERT, UPDATE, REPLACE, DELETE → every change is captured (no filter needed)');
  }

  const match = input.match && Object.keys(input.match).length ? input.match : undefined;
  if (match) {
    const javascript = [...findOperators(match, SERVER_SIDE_JAVASCRIPT)];
    if (javascript.length) {
      unexpressed.push(`match uses ${javascript.join(', ')} (server-side JavaScript): not carried into the connector; the stream path captures without this condition`);
    } else {
      parts.push(match);
      expressed.push(`match ${JSON.stringify(match)} → the same $match in cursor.pipeline (it applies to the same change events)`);
      if (!input.fullDocument && JSON.stringify(match).includes('fullDocument')) {
        unexpressed.push(
          'match reads fullDocument while the trigger had full_document off: for updates the trigger saw no fullDocument (the condition failed), Debezium looks the document up (capture.mode change_streams_update_full), so the stream path captures updates the trigger skipped',
        );
      }
      unexpressed.push('the initial snapshot copies every document of the collection: the match applies to changes only, so the shadow table can hold rows the trigger never wrote');
    }
  }
  const value = parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { $and: parts };
  return { value, expressed, unexpressed };
}

/** Several triggers on one collection: the stream path captures what any of them would have seen. */
export function anyOf(conditions: ReadonlyArray<ChangeCondition | undefined>): ChangeCondition | undefined {
  if (conditions.length === 0 || conditions.some((condition) => condition === undefined)) return undefined;
  const unique = [...new Map(conditions.map((condition) => [JSON.stringify(condition), condition!])).values()];
  return unique.length === 1 ? unique[0] : { $or: unique };
}

/**
 * A trigger's `project` shaped the change event handed to its function. The sink writes the
 * document state, so only dropping top-level document fields (`fullDocument.<field>: 0`) has an
 * equivalent: the pipeline's `excludeFields` (ReplaceField `exclude`).
 */
export function projectionToExcludedFields(project: Readonly<Record<string, unknown>> | undefined): Translation<string[]> {
  const value: string[] = [];
  const expressed: string[] = [];
  const unexpressed: string[] = [];
  if (!project || Object.keys(project).length === 0) return { value, expressed, unexpressed };
  const included: string[] = [];
  for (const [path, setting] of Object.entries(project)) {
    const flag = setting === 0 || setting === false ? 'exclude' : setting === 1 || setting === true ? 'include' : 'computed';
    if (flag === 'computed') {
      unexpressed.push(`project ${path}: a computed value (${JSON.stringify(setting)}): the sink writes the document as stored; compute it in a warehouse view instead`);
      continue;
    }
    const field = /^fullDocument\.(.+)$/.exec(path)?.[1];
    if (path === 'fullDocument' || path === '_id') continue;
    if (!field) {
      unexpressed.push(`project ${path}: ${flag}s a change-event field the function received; the sink writes the document state, not the event, so it has no effect there`);
    } else if (flag === 'include') {
      included.push(field);
    } else if (field.includes('.')) {
      unexpressed.push(`project ${path}: 0 drops a nested field; ReplaceField works on top-level fields only: drop it in a warehouse view or exclude its parent`);
    } else {
      value.push(field);
    }
  }
  if (value.length) expressed.push(`project excludes ${value.join(', ')} → excludeFields [${value.join(', ')}] (ReplaceField exclude)`);
  if (included.length) {
    unexpressed.push(
      `project keeps only fullDocument fields ${included.join(', ')}: the sink writes every field; a ReplaceField include list is not part of a pipeline definition yet, so the other fields reach the warehouse`,
    );
  }
  return { value, expressed, unexpressed };
}
