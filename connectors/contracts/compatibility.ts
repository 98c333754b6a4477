import { ACCEPTED_BSON_TYPES } from './bson';
import { isNullable, numericPrecision, type ContractField, type ContractType, type DocumentContract } from './types';

/**
 * What changes between two versions of a pipeline's contract, and whether BI can live with it:
 * - compatible: a new nullable column, a wider type (every value the old type held fits the new one
 *   exactly), a loosened nullability, new line items, a different line-item storage;
 * - breaking: a column dropped or renamed, a type narrowed or changed, a path changed (the column
 *   now means another field), a nullability tightened (also a new not-null column), line items dropped.
 * Pure: `connectors plan`, `schema migration` and `schema check` all read it.
 */
export interface PipelineContractState {
  readonly table: string;
  readonly excludeFields: readonly string[];
  readonly contract: DocumentContract;
}

export type Compatibility = 'compatible' | 'breaking';

export interface ContractChange {
  readonly pipeline: string;
  readonly kind:
    | 'pipeline-added'
    | 'pipeline-removed'
    | 'table-renamed'
    | 'column-added'
    | 'column-dropped'
    | 'column-renamed'
    | 'type-changed'
    | 'path-changed'
    | 'nullability-changed'
    | 'lines-added'
    | 'lines-dropped'
    | 'lines-changed'
    | 'excluded-fields-changed';
  /** `total`, or `items.price` for a line-item column. */
  readonly column?: string;
  readonly compatibility: Compatibility;
  /** One line: what changed and why it is (in)compatible. */
  readonly description: string;
}

type Field = ContractField;

/** Integer digits every value of an exact type may need, and the digits a type holds for sure. */
const NEEDS: Readonly<Record<string, number>> = { integer: 10, bigint: 19, numeric: Infinity };
const HOLDS: Readonly<Record<string, number>> = { integer: 9, bigint: 18, numeric: Infinity };

function exactDigits(type: ContractType, table: Readonly<Record<string, number>>): { integer: number; scale: number } | undefined {
  const precision = numericPrecision(type);
  if (precision) return { integer: precision[0] - precision[1], scale: precision[1] };
  if (type in table) return { integer: table[type]!, scale: type === 'numeric' ? Infinity : 0 };
  return undefined;
}

/** True when every value `from` holds fits `to` exactly. */
export function isWidening(from: ContractType, to: ContractType): boolean {
  if (from === to) return true;
  if (from === 'text' && to === 'objectid') return true; // objectid keeps strings as they are
  if (to === 'double') return from === 'integer'; // an Int32 is exact in a double; nothing wider is
  if (to === 'numeric' && from === 'double') return true; // every finite double is a finite decimal
  const needs = exactDigits(from, NEEDS);
  const holds = exactDigits(to, HOLDS);
  return needs !== undefined && holds !== undefined && holds.integer >= needs.integer && holds.scale >= needs.scale;
}

function fieldChanges(pipeline: string, column: string, before: Field, after: Field): ContractChange[] {
  const changes: ContractChange[] = [];
  if (before.path !== after.path) {
    changes.push({ pipeline, column, kind: 'path-changed', compatibility: 'breaking', description: `${column}: reads ${after.path} instead of ${before.path}: the column now means another field` });
  }
  if (before.type !== after.type) {
    const widening = isWidening(before.type, after.type);
    changes.push({
      pipeline,
      column,
      kind: 'type-changed',
      compatibility: widening ? 'compatible' : 'breaking',
      description: `${column}: ${before.type} → ${after.type}${widening ? ' (wider: every value fits)' : ' (narrowed or changed: values that fit before may not)'}`,
    });
  }
  if (isNullable(before) !== isNullable(after)) {
    const tightened = !isNullable(after);
    changes.push({
      pipeline,
      column,
      kind: 'nullability-changed',
      compatibility: tightened ? 'breaking' : 'compatible',
      description: `${column}: ${tightened ? 'now not null (tightened: documents without it become violations)' : 'now nullable (loosened)'}`,
    });
  }
  return changes;
}

/** Column changes of one set of columns; a dropped and an added column reading the same path are a rename. */
function columnChanges(pipeline: string, prefix: string, before: Readonly<Record<string, Field>>, after: Readonly<Record<string, Field>>): ContractChange[] {
  const changes: ContractChange[] = [];
  const added = Object.keys(after).filter((name) => !(name in before));
  const dropped = Object.keys(before).filter((name) => !(name in after));
  for (const name of dropped) {
    const renamedTo = added.find((candidate) => after[candidate]!.path === before[name]!.path);
    if (renamedTo) {
      added.splice(added.indexOf(renamedTo), 1);
      changes.push({ pipeline, column: `${prefix}${renamedTo}`, kind: 'column-renamed', compatibility: 'breaking', description: `${prefix}${name} renamed ${prefix}${renamedTo}: queries naming ${name} break` });
      changes.push(...fieldChanges(pipeline, `${prefix}${renamedTo}`, before[name]!, after[renamedTo]!));
    } else {
      changes.push({ pipeline, column: `${prefix}${name}`, kind: 'column-dropped', compatibility: 'breaking', description: `${prefix}${name} (${before[name]!.type} from ${before[name]!.path}) dropped: queries naming it break` });
    }
  }
  for (const name of added) {
    const field = after[name]!;
    const nullable = isNullable(field);
    changes.push({
      pipeline,
      column: `${prefix}${name}`,
      kind: 'column-added',
      compatibility: nullable ? 'compatible' : 'breaking',
      description: `${prefix}${name} added (${field.type}${nullable ? ', nullable' : ', not null: documents without it become violations'} from ${field.path})`,
    });
  }
  for (const name of Object.keys(after).filter((candidate) => candidate in before)) changes.push(...fieldChanges(pipeline, `${prefix}${name}`, before[name]!, after[name]!));
  return changes;
}

function linesChanges(pipeline: string, before: DocumentContract['lines'], after: DocumentContract['lines']): ContractChange[] {
  if (!before && !after) return [];
  if (!before) return [{ pipeline, kind: 'lines-added', compatibility: 'compatible', description: `line items ${after!.name} added (from ${after!.path})` }];
  if (!after) return [{ pipeline, kind: 'lines-dropped', compatibility: 'breaking', description: `line items ${before.name} dropped: queries over them break` }];
  const changes: ContractChange[] = [];
  if (before.name !== after.name || before.path !== after.path) {
    changes.push({ pipeline, kind: 'lines-changed', compatibility: 'breaking', description: `line items ${before.name} (${before.path}) became ${after.name} (${after.path})` });
  }
  if ((before.storage ?? 'view') !== (after.storage ?? 'view')) {
    changes.push({ pipeline, kind: 'lines-changed', compatibility: 'compatible', description: `line items ${after.name} stored as a ${after.storage ?? 'view'} instead of a ${before.storage ?? 'view'} (same columns)` });
  }
  return [...changes, ...columnChanges(pipeline, `${after.name}.`, before.columns, after.columns)];
}

/** Every change from `before` (what the warehouse migrations implement) to `after` (the contracts now). */
export function contractChanges(before: Readonly<Record<string, PipelineContractState>>, after: Readonly<Record<string, PipelineContractState>>): ContractChange[] {
  const changes: ContractChange[] = [];
  for (const [pipeline, state] of Object.entries(after)) {
    const previous = before[pipeline];
    if (!previous) {
      changes.push({ pipeline, kind: 'pipeline-added', compatibility: 'compatible', description: `table ${state.table} added with ${Object.keys(state.contract.columns).length} typed columns` });
      continue;
    }
    if (previous.table !== state.table) changes.push({ pipeline, kind: 'table-renamed', compatibility: 'breaking', description: `table ${previous.table} renamed ${state.table}` });
    changes.push(...columnChanges(pipeline, '', previous.contract.columns, state.contract.columns));
    changes.push(...linesChanges(pipeline, previous.contract.lines, state.contract.lines));
    if ([...previous.excludeFields].sort().join() !== [...state.excludeFields].sort().join()) {
      changes.push({ pipeline, kind: 'excluded-fields-changed', compatibility: 'compatible', description: `excluded fields: ${previous.excludeFields.join(', ') || 'none'} → ${state.excludeFields.join(', ') || 'none'} (rows keep what was written before)` });
    }
  }
  for (const [pipeline, state] of Object.entries(before)) {
    if (!(pipeline in after)) changes.push({ pipeline, kind: 'pipeline-removed', compatibility: 'breaking', description: `pipeline removed: table ${state.table} is kept but no longer written` });
  }
  return changes;
}

export function hasBreaking(changes: readonly ContractChange[]): boolean {
  return changes.some((change) => change.compatibility === 'breaking');
}

/** The BSON types a contract type accepts, for messages and the README's table. */
export function acceptedTypes(type: ContractType): readonly string[] {
  return ACCEPTED_BSON_TYPES[numericPrecision(type) ? 'numeric(p,s)' : (type as keyof typeof ACCEPTED_BSON_TYPES)];
}
