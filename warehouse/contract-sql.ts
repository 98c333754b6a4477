import { isNullable, numericPrecision, postgresType, type ContractField, type ContractType, type DocumentContract } from '../connectors/contracts/types';

/**
 * A pipeline's warehouse table, generated from its contract. The sink writes the change as it came
 * (`id` = Debezium's key text, `doc_text`, `__op`, `__source_ts_ms`, `__source_ord`, `__event_ts_ms`);
 * a BEFORE trigger applies the version guard (warehouse/functions-sql.ts), parses the text once into
 * `doc jsonb` (repairing what jsonb cannot hold), drops the excluded fields, fills the typed columns
 * with safe casts, and records violations (`__violations`, cdc.contract_violations). Pure: text in,
 * text out; names are schema-qualified (a trigger runs with its caller's search_path).
 */
export interface TableTarget {
  readonly schema: string;
  readonly table: string;
  /** Dot-separated document paths removed from `doc` before the row is written. */
  readonly excludeFields?: readonly string[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`warehouse: ${JSON.stringify(name)} is not a plain lower-case SQL identifier`);
  return name;
}

export const qualified = (target: Pick<TableTarget, 'schema' | 'table'>, suffix = ''): string => `${identifier(target.schema)}.${identifier(target.table + suffix)}`;
/** Functions live in `cdc`, named after the table's schema and name. */
const functionName = (target: TableTarget, role: string): string => `cdc.${role}_${identifier(target.schema)}_${identifier(target.table)}`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** `doc #> '{shipping,country}'`: the field at a dot-separated path of a jsonb expression. */
export function jsonPath(value: string, path: string): string {
  const parts = path.split('.');
  if (parts.length === 1) return `${value}->${literal(parts[0]!)}`;
  return `${value} #> ${literal(`{${parts.map((part) => `"${part.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`)}`;
}

/** The safe cast of a contract type over a jsonb expression: NULL when the value does not fit. */
export function castSql(value: string, type: ContractType): string {
  const numeric = numericPrecision(type);
  if (numeric) return `cdc.as_numeric(${value}, ${numeric[0]}, ${numeric[1]})::${type}`;
  const casts: Record<Exclude<ContractType, `numeric(${number},${number})`>, string> = {
    text: `cdc.as_text(${value})`,
    objectid: `cdc.as_object_id(${value})`,
    integer: `cdc.as_integer(${value})`,
    bigint: `cdc.as_bigint(${value})`,
    double: `cdc.as_double(${value})`,
    numeric: `cdc.as_numeric(${value})`,
    boolean: `cdc.as_boolean(${value})`,
    timestamptz: `cdc.as_timestamptz(${value})`,
    jsonb: `nullif(${value}, 'null'::jsonb)`,
  };
  return casts[type as keyof typeof casts];
}

/** The check of one field: appends `{"<label>": "<why>"}` to `r` when it breaks the contract. */
function violationCheck(document: string, field: ContractField, label: string): string {
  const value = jsonPath(document, field.path);
  const typedIsNull = field.type === 'jsonb' ? 'false' : `${castSql(value, field.type)} IS NULL`;
  return [
    `  x := cdc.violation(${value}, ${typedIsNull}, ${isNullable(field)}, ${literal(field.type)});`,
    `  IF x IS NOT NULL THEN r := r || jsonb_build_object(${label}, x); END IF;`,
  ].join('\n');
}

function linesChecks(contract: DocumentContract): string {
  const lines = contract.lines;
  if (!lines) return '';
  const array = jsonPath('doc', lines.path);
  const name = literal(lines.path);
  const checks = Object.values(lines.columns)
    .map((field) => violationCheck('e', field, `${name} || '[' || n || '].' || ${literal(field.path)}`).replace(/\n/g, '\n      ').replace(/^/, '      '))
    .join('\n');
  return `
  IF jsonb_typeof(${array}) = 'array' THEN
    FOR e IN SELECT value FROM jsonb_array_elements(${array}) LOOP
      IF jsonb_typeof(e) <> 'object' THEN
        r := r || jsonb_build_object(${name} || '[' || n || ']', 'expected document, got ' || jsonb_typeof(e));
      ELSE
${checks}
      END IF;
      n := n + 1;
    END LOOP;
  ELSIF ${array} IS NOT NULL AND jsonb_typeof(${array}) <> 'null' THEN
    r := r || jsonb_build_object(${name}, 'expected array, got ' || jsonb_typeof(${array}));
  END IF;`;
}

/** `cdc.violations_<schema>_<table>(doc) → {"<path>": "<why>", …}`, NULL when the document keeps its contract. */
function violationsFunction(target: TableTarget, contract: DocumentContract): string {
  const checks = Object.values(contract.columns).map((field) => violationCheck('doc', field, literal(field.path))).join('\n');
  return `CREATE OR REPLACE FUNCTION ${functionName(target, 'violations')}(doc jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE r jsonb := '{}'; x text; e jsonb; n int := 0;
BEGIN
  IF doc IS NULL THEN RETURN NULL; END IF;
${checks}${linesChecks(contract)}
  RETURN nullif(r, '{}'::jsonb);
END $fn$;`;
}

const indent = (lines: readonly string[], spaces: number): string => lines.map((line) => `${' '.repeat(spaces)}${line}`).join('\n');

/** The BEFORE INSERT OR UPDATE trigger function: the guard's rules (a) and (c), then parse, type and check. */
function applyFunction(target: TableTarget, contract: DocumentContract): string {
  const table = qualified(target);
  const columns = Object.entries(contract.columns);
  const clear = columns.map(([name]) => `NEW.${name} := NULL;`);
  const assign = columns.map(([name, field]) => `NEW.${name} := ${castSql(jsonPath('NEW.doc', field.path), field.type)};`);
  const exclude = (target.excludeFields ?? []).map((path) => `NEW.doc := NEW.doc #- ${literal(`{${path.split('.').join(',')}}`)};`);
  const version = (row: string) => `(coalesce(${row}.__source_ts_ms, 0), coalesce(${row}.__source_ord, 0))`;
  return `CREATE OR REPLACE FUNCTION ${functionName(target, 'apply')}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- Writers of one key take turns, until the transaction ends: otherwise a row deleted by one writer
  -- between another's check below and its insert let that insert through unchecked, a document-less
  -- row older than the deletion (found by the migration rehearsal: the trigger and the sink on one table).
  PERFORM pg_advisory_xact_lock(hashtextextended(${literal(table)} || ':' || NEW.id, 0));
  IF TG_OP = 'INSERT' THEN
    -- The sink upserts: for a key already here, ON CONFLICT DO UPDATE follows and the UPDATE call does the work.
    IF EXISTS (SELECT 1 FROM ${table} WHERE id = NEW.id) THEN RETURN NEW; END IF;
    -- (c) not newer than the key's recorded deletion: a late write does not resurrect it.
    IF EXISTS (SELECT 1 FROM cdc.deleted_rows d WHERE d.table_name = ${literal(table)} AND d.id = NEW.id
               AND ${version('NEW')} <= (d.source_ts_ms, d.source_ord)) THEN
      RETURN NULL;
    END IF;
  ELSE
    -- (a) never older; an equal version applies again.
    IF ${version('NEW')} < ${version('OLD')} THEN RETURN NULL; END IF;
    -- An update whose document was gone when looked up (op u, no after): keep the last version; its delete follows.
    IF NEW.doc_text IS NULL AND NEW.__op IS DISTINCT FROM 'd' THEN RETURN OLD; END IF;
  END IF;
  NEW._id := cdc.id_text(NEW.id);
  IF NEW.__op = 'd' THEN
    NEW.doc := NULL; NEW.doc_text := NULL; NEW.__violations := NULL;
${indent(clear, 4)}
    RETURN NEW;  -- marked: cdc.delete_marked deletes the row
  END IF;
  NEW.doc := cdc.doc_jsonb(NEW.doc_text);
  IF NEW.doc IS NULL THEN
    NEW.__violations := jsonb_build_object('$', CASE WHEN NEW.doc_text IS NULL THEN 'no document' ELSE 'not JSON even after repair (kept in doc_text)' END);
${indent(clear, 4)}
  ELSE
    NEW.doc_text := NULL;
${indent([...exclude, ...assign], 4)}
    NEW.__violations := ${functionName(target, 'violations')}(NEW.doc);
  END IF;
  IF NEW.__violations IS NOT NULL THEN
    INSERT INTO cdc.contract_violations (table_name, doc_id, source_ts_ms, source_ord, violations)
    VALUES (${literal(table)}, NEW._id, NEW.__source_ts_ms, NEW.__source_ord, NEW.__violations);
    INSERT INTO cdc.contract_violation_totals AS t (table_name, events, last_recorded_at) VALUES (${literal(table)}, 1, now())
    ON CONFLICT (table_name) DO UPDATE SET events = t.events + 1, last_recorded_at = now();
  END IF;
  RETURN NEW;
END $fn$;`;
}

function columnDefinition(name: string, field: ContractField): string {
  return `  ${name.padEnd(16)} ${postgresType(field.type)}`;
}

/** The table the sink writes, its indexes and comments. */
function tableDefinition(target: TableTarget, contract: DocumentContract): string {
  const table = qualified(target);
  const typed = Object.entries(contract.columns).map(([name, field]) => `${columnDefinition(name, field)},`);
  const comments = Object.entries(contract.columns).map(
    ([name, field]) => `COMMENT ON COLUMN ${table}.${name} IS ${literal(`${field.type}${isNullable(field) ? '' : ' not null'} from ${field.path}${field.description ? `: ${field.description}` : ''}`)};`,
  );
  return [
    `CREATE TABLE ${table} (`,
    '  id               text PRIMARY KEY,',
    '  _id              text,',
    '  doc              jsonb,',
    '  doc_text         text,',
    '  __op             text,',
    '  __source_ts_ms   bigint,',
    '  __source_ord     integer,',
    '  __event_ts_ms    bigint,',
    ...typed,
    '  __violations     jsonb',
    ');',
    `CREATE INDEX ${identifier(target.table)}__id ON ${table} (_id);`,
    `CREATE INDEX ${identifier(target.table)}__source_ts_ms ON ${table} (__source_ts_ms);`,
    `COMMENT ON TABLE ${table} IS ${literal('Written by the JDBC sink (id, doc_text, __op, __source_ts_ms, __source_ord, __event_ts_ms); typed by its trigger from the pipeline contract. Generated by cdcctl schema migration.')};`,
    ...comments,
  ].join('\n');
}

function triggers(target: TableTarget): string {
  const table = qualified(target);
  return [
    `CREATE TRIGGER apply BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${functionName(target, 'apply')}();`,
    `CREATE TRIGGER delete_marked AFTER INSERT OR UPDATE ON ${table} FOR EACH ROW WHEN (NEW.__op = 'd') EXECUTE FUNCTION cdc.delete_marked();`,
    `CREATE TRIGGER guard_delete BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION cdc.guard_delete();`,
    `CREATE TRIGGER record_deletion AFTER DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION cdc.record_deletion();`,
  ].join('\n');
}

/** The functions a contract change replaces (CREATE OR REPLACE): its checks and its apply trigger. */
export function contractFunctionsSql(target: TableTarget, contract: DocumentContract): string {
  return [violationsFunction(target, contract), applyFunction(target, contract)].join('\n');
}

/** Everything of one pipeline table: the table, its functions and triggers, its line items. */
export function pipelineTableSql(target: TableTarget, contract: DocumentContract): string {
  return [tableDefinition(target, contract), contractFunctionsSql(target, contract), triggers(target), linesSql(target, contract)].filter(Boolean).join('\n');
}

/** `<table>_<lines.name>`: a child table kept by a trigger, or a view over the array in `doc`. */
export function linesSql(target: TableTarget, contract: DocumentContract): string {
  const lines = contract.lines;
  if (!lines) return '';
  const table = qualified(target);
  const relation = qualified(target, `_${lines.name}`);
  const columns = Object.entries(lines.columns);
  const array = jsonPath('o.doc', lines.path);
  const select = columns.map(([name, field]) => `  ${castSql(jsonPath('e.value', field.path), field.type)} AS ${name}`).join(',\n');
  const elements = `jsonb_array_elements(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} END) WITH ORDINALITY e(value, n)`;
  if ((lines.storage ?? 'view') === 'view') {
    return `CREATE VIEW ${relation} AS
SELECT o.id AS parent_id, o._id AS parent__id, e.n::integer AS line_no,
${select}
FROM ${table} o
CROSS JOIN LATERAL ${elements};`;
  }
  const fn = functionName(target, 'lines');
  const newArray = jsonPath('NEW.doc', lines.path);
  return `CREATE TABLE ${relation} (
  parent_id        text NOT NULL REFERENCES ${table} (id) ON DELETE CASCADE,
  parent__id       text,
  line_no          integer NOT NULL,
${columns.map(([name, field]) => `${columnDefinition(name, field)},`).join('\n')}
  PRIMARY KEY (parent_id, line_no)
);
CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' THEN DELETE FROM ${relation} WHERE parent_id = NEW.id; END IF;
  IF jsonb_typeof(${newArray}) = 'array' THEN
    INSERT INTO ${relation} (parent_id, parent__id, line_no, ${columns.map(([name]) => name).join(', ')})
    SELECT NEW.id, NEW._id, e.n, ${columns.map(([, field]) => castSql(jsonPath('e.value', field.path), field.type)).join(', ')}
    FROM jsonb_array_elements(${newArray}) WITH ORDINALITY e(value, n);
  END IF;
  RETURN NULL;
END $fn$;
CREATE TRIGGER lines_inserted AFTER INSERT ON ${table} FOR EACH ROW WHEN (NEW.doc IS NOT NULL) EXECUTE FUNCTION ${fn}();
CREATE TRIGGER lines_updated AFTER UPDATE ON ${table} FOR EACH ROW WHEN (NEW.doc IS DISTINCT FROM OLD.doc) EXECUTE FUNCTION ${fn}();`;
}

/** Drops what linesSql created (before it changes shape or storage). */
export function dropLinesSql(target: TableTarget, lines: NonNullable<DocumentContract['lines']>): string {
  const relation = qualified(target, `_${lines.name}`);
  if ((lines.storage ?? 'view') === 'view') return `DROP VIEW IF EXISTS ${relation};`;
  return [
    `DROP TRIGGER IF EXISTS lines_inserted ON ${qualified(target)};`,
    `DROP TRIGGER IF EXISTS lines_updated ON ${qualified(target)};`,
    `DROP TABLE IF EXISTS ${relation};`,
    `DROP FUNCTION IF EXISTS ${functionName(target, 'lines')}();`,
  ].join('\n');
}
