/**
 * The pipeline-independent part of the warehouse, in schema `cdc`: Debezium's document text → jsonb,
 * the BSON-aware safe casts the contract columns use, the side tables (violations, deletions), the
 * optional change history, and the version guard's shared trigger functions. Every name is
 * schema-qualified: a trigger runs with the caller's search_path, and a schema named like the database
 * user (`cdc` locally) comes first in it.
 *
 * Needs PostgreSQL 16 or later (pg_input_is_valid); the local runtime runs 18. Parsing is plpgsql:
 * an SQL function with a sub-select is not inlined (200–600 µs a call), and an inlinable SQL CASE
 * can constant-fold `t::jsonb` and raise although its branch is not taken.
 */
export const CDC_SCHEMA = 'cdc';

const PARSING = `
CREATE SCHEMA IF NOT EXISTS cdc;

-- Debezium writes the document with bson's JsonMode.STRICT: a NaN or infinite double is a bare NaN /
-- Infinity (not JSON) and a string may hold \\u0000 (which jsonb refuses). Outside strings, those
-- become {"$numberDouble": "…"}; inside strings \\u0000 becomes U+FFFD. Only called for text that
-- does not parse as it is.
CREATE OR REPLACE FUNCTION cdc.repair_json(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  result text := '';
  m text[];
BEGIN
  FOR m IN SELECT regexp_matches(t, '("(?:[^"\\\\]|\\\\.)*")|(-?Infinity|NaN)|([^"NI-]+|.)', 'g') LOOP
    IF m[1] IS NOT NULL THEN
      result := result || regexp_replace(m[1], '((?:^|[^\\\\])(?:\\\\\\\\)*)\\\\u0000', '\\1\\\\ufffd', 'g');
    ELSIF m[2] IS NOT NULL THEN
      result := result || '{"$numberDouble": "' || m[2] || '"}';
    ELSE
      result := result || m[3];
    END IF;
  END LOOP;
  RETURN result;
END $fn$;

-- The document text → jsonb: as it is, else repaired, else NULL (the row keeps the text).
CREATE OR REPLACE FUNCTION cdc.doc_jsonb(t text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE repaired text;
BEGIN
  IF t IS NULL THEN RETURN NULL; END IF;
  IF pg_input_is_valid(t, 'jsonb') THEN RETURN t::jsonb; END IF;
  repaired := cdc.repair_json(t);
  IF pg_input_is_valid(repaired, 'jsonb') THEN RETURN repaired::jsonb; END IF;
  RETURN NULL;
END $fn$;
`;

const CASTS = `
-- A BSON number in any extended-JSON form → numeric, exactly; NULL for NaN, ±Infinity and non-numbers.
CREATE OR REPLACE FUNCTION cdc.as_numeric(v jsonb) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE s text;
BEGIN
  CASE jsonb_typeof(v)
    WHEN 'number' THEN RETURN v::numeric;
    WHEN 'object' THEN
      s := coalesce(v->>'$numberDecimal', v->>'$numberLong', v->>'$numberInt', v->>'$numberDouble');
      IF s ~ '^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]{1,4})?$' AND length(s) < 200 THEN RETURN s::numeric; END IF;
    ELSE NULL;
  END CASE;
  RETURN NULL;
END $fn$;

-- numeric(p, s): NULL unless the value fits exactly (no rounding, no overflow).
CREATE OR REPLACE FUNCTION cdc.as_numeric(v jsonb, p int, s int) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE n numeric := cdc.as_numeric(v);
BEGIN
  IF n IS NULL OR n <> round(n, s) OR abs(n) >= power(10::numeric, p - s) THEN RETURN NULL; END IF;
  RETURN round(n, s);
END $fn$;

-- Integral and in range, exactly: an Int64 above 2^53 keeps every digit.
CREATE OR REPLACE FUNCTION cdc.as_bigint(v jsonb) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE n numeric := cdc.as_numeric(v);
BEGIN
  IF n IS NULL OR n <> trunc(n) OR n < -9223372036854775808 OR n > 9223372036854775807 THEN RETURN NULL; END IF;
  RETURN n::bigint;
END $fn$;

CREATE OR REPLACE FUNCTION cdc.as_integer(v jsonb) RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE n bigint := cdc.as_bigint(v);
BEGIN
  IF n IS NULL OR n < -2147483648 OR n > 2147483647 THEN RETURN NULL; END IF;
  RETURN n::integer;
END $fn$;

CREATE OR REPLACE FUNCTION cdc.as_double(v jsonb) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE n numeric := cdc.as_numeric(v);
BEGIN
  IF n IS NULL OR abs(n) > 1.7976931348623157e308 THEN RETURN NULL; END IF;
  RETURN n::double precision;
END $fn$;

CREATE OR REPLACE FUNCTION cdc.as_text(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN jsonb_typeof(v) = 'string' THEN v #>> '{}' END
$fn$;

CREATE OR REPLACE FUNCTION cdc.as_boolean(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN jsonb_typeof(v) = 'boolean' THEN (v #>> '{}')::boolean END
$fn$;

-- An ObjectId → its 24 hex digits; a string stays the string (collections mix string and ObjectId keys).
CREATE OR REPLACE FUNCTION cdc.as_object_id(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE
    WHEN jsonb_typeof(v) = 'string' THEN v #>> '{}'
    WHEN jsonb_typeof(v) = 'object' AND v->>'$oid' ~ '^[0-9a-f]{24}$' THEN v->>'$oid'
  END
$fn$;

-- A BSON date in each form: {"$date": <ms>} (strict: what Debezium writes), {"$date": "<ISO-8601>"}
-- (relaxed: the record key), {"$date": {"$numberLong": "<ms>"}} (canonical). Milliseconds exact.
CREATE OR REPLACE FUNCTION cdc.as_timestamptz(v jsonb) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE d jsonb := CASE WHEN jsonb_typeof(v) = 'object' THEN v->'$date' END; ms bigint; iso text;
BEGIN
  IF d IS NULL THEN RETURN NULL; END IF;
  IF jsonb_typeof(d) = 'string' THEN
    iso := d #>> '{}';
    IF iso ~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$' THEN RETURN iso::timestamptz; END IF;
    RETURN NULL;
  END IF;
  ms := cdc.as_bigint(d);
  IF ms BETWEEN -210866803200000 AND 9224318015999999 THEN RETURN timestamptz 'epoch' + ms * interval '1 millisecond'; END IF;
  RETURN NULL;
END $fn$;

-- The record key Debezium writes (the _id as relaxed extended JSON) → a readable id for joins:
-- ObjectId → hex, string → the string, number → its digits, anything else → its JSON text.
-- Not unique across types ("42" and 42 both give 42): the key text itself is the primary key.
CREATE OR REPLACE FUNCTION cdc.id_text(key_json text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE j jsonb;
BEGIN
  IF key_json IS NULL OR NOT pg_input_is_valid(key_json, 'jsonb') THEN RETURN key_json; END IF;
  j := key_json::jsonb;
  RETURN CASE
    WHEN jsonb_typeof(j) = 'string' THEN j #>> '{}'
    WHEN jsonb_typeof(j) = 'object' AND j ? '$oid' THEN j->>'$oid'
    ELSE j::text
  END;
END $fn$;

-- Why a value does not satisfy its contract type, or NULL when it does.
CREATE OR REPLACE FUNCTION cdc.violation(v jsonb, typed_is_null boolean, nullable boolean, expected text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
BEGIN
  IF v IS NULL THEN RETURN CASE WHEN NOT nullable THEN 'missing' END; END IF;
  IF jsonb_typeof(v) = 'null' THEN RETURN CASE WHEN NOT nullable THEN 'null' END; END IF;
  IF NOT typed_is_null THEN RETURN NULL; END IF;
  RETURN 'expected ' || expected || ', got ' || CASE
    WHEN jsonb_typeof(v) = 'object' THEN coalesce((SELECT k FROM jsonb_object_keys(v) k WHERE k LIKE '$%' LIMIT 1), 'document')
    ELSE jsonb_typeof(v)
  END;
END $fn$;
`;

const SIDE_TABLES = `
-- Every change whose document broke its contract: the row keeps the document and NULL in the column.
CREATE TABLE IF NOT EXISTS cdc.contract_violations (
  seq           bigserial PRIMARY KEY,
  table_name    text NOT NULL,
  doc_id        text NOT NULL,
  source_ts_ms  bigint,
  source_ord    integer,
  violations    jsonb NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS contract_violations_recent ON cdc.contract_violations (table_name, recorded_at);

-- A counter per table for the metric (cdcctl schema exporter): never decreases, whatever is pruned above.
CREATE TABLE IF NOT EXISTS cdc.contract_violation_totals (
  table_name        text PRIMARY KEY,
  events            bigint NOT NULL,
  last_recorded_at  timestamptz NOT NULL
);

-- The newest deletion of each key, with the version of the change that deleted it (rule c).
CREATE TABLE IF NOT EXISTS cdc.deleted_rows (
  table_name    text NOT NULL,
  id            text NOT NULL,
  source_ts_ms  bigint NOT NULL,
  source_ord    integer NOT NULL,
  deleted_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (table_name, id)
);
`;

const CHANGE_HISTORY = `
-- THE CHANGE HISTORY, for the tables that take part (warehouse/tables.ts changeHistoryTriggerSql;
-- none does by default): one row for every change a writer delivers, keyed by its source position
-- (table, key, __source_ts_ms, __source_ord), appended before the version guard decides. A table keeps
-- one row per document and applies an equal version again, so a change delivered twice leaves no trace
-- there; here it is a second row at the same position.
CREATE TABLE IF NOT EXISTS cdc.change_history (
  seq           bigserial PRIMARY KEY,
  table_name    text NOT NULL,
  id            text NOT NULL,
  source_ts_ms  bigint,
  source_ord    integer,
  op            text,
  received_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS change_history_position ON cdc.change_history (table_name, id, source_ts_ms, source_ord);

-- The sink's upsert fires BEFORE INSERT and, for a key already present, BEFORE UPDATE: the insert's
-- call then records nothing, so each delivery is one row.
CREATE OR REPLACE FUNCTION cdc.record_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE present boolean;
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE id = $1)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO present USING NEW.id;
    IF present THEN RETURN NEW; END IF;
  END IF;
  INSERT INTO cdc.change_history (table_name, id, source_ts_ms, source_ord, op)
  VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, NEW.id, NEW.__source_ts_ms, NEW.__source_ord, NEW.__op);
  RETURN NEW;
END $fn$;
`;

const GUARDS = `
-- THE VERSION GUARD. A row's version is (__source_ts_ms, __source_ord): the change's time at the
-- source and its ordinal within that time (MongoDB's clusterTime increment), a NULL ord counting as 0.
-- No writer — the sink replaying a topic, a migration's trigger emulator arriving late — can make a
-- row older than it is:
--   (a) an UPDATE carrying an older version than the row's is skipped; an equal version applies
--       again (replays are idempotent) — in each table's apply trigger;
--   (b) a DELETE removes only a row that a delete event marked (__op = 'd'): a late delete cannot
--       remove a newer re-insert — cdc.guard_delete;
--   (c) every deletion is recorded with its version in cdc.deleted_rows (the newest kept), and an
--       INSERT whose version is not newer than the recorded deletion is skipped: a late write cannot
--       resurrect a deleted document — cdc.record_deletion and each table's apply trigger.
-- A writer therefore writes what the sink writes: INSERT … ON CONFLICT (id) DO UPDATE of id,
-- doc_text, __op, __source_ts_ms, __source_ord, __event_ts_ms; a delete is such a write with
-- __op = 'd' (cdc.delete_marked then deletes the row; a bare DELETE of an unmarked row does nothing).

CREATE OR REPLACE FUNCTION cdc.guard_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF OLD.__op IS DISTINCT FROM 'd' THEN RETURN NULL; END IF;  -- (b)
  RETURN OLD;
END $fn$;

CREATE OR REPLACE FUNCTION cdc.record_deletion() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO cdc.deleted_rows AS d (table_name, id, source_ts_ms, source_ord)
  VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, OLD.id, coalesce(OLD.__source_ts_ms, 0), coalesce(OLD.__source_ord, 0))
  ON CONFLICT (table_name, id) DO UPDATE SET source_ts_ms = EXCLUDED.source_ts_ms, source_ord = EXCLUDED.source_ord, deleted_at = now()
  WHERE (EXCLUDED.source_ts_ms, EXCLUDED.source_ord) > (d.source_ts_ms, d.source_ord);  -- (c): the newest deletion
  RETURN NULL;
END $fn$;

-- The delete event (op d) deletes its row once written. The sink drops tombstones before they reach
-- it: with use.reduction.buffer a tombstone removes the pending delete event of its key from the
-- batch (JdbcChangeEventSink + ReducedRecordBuffer.remove), and its DELETE would then meet an
-- unmarked row, which (b) keeps.
CREATE OR REPLACE FUNCTION cdc.delete_marked() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('DELETE FROM %I.%I WHERE id = $1 AND __op = ''d''', TG_TABLE_SCHEMA, TG_TABLE_NAME) USING NEW.id;
  RETURN NULL;
END $fn$;
`;

/** Everything above, for the first contract migration (idempotent: CREATE OR REPLACE, IF NOT EXISTS). */
export function sharedWarehouseSql(): string {
  return [PARSING, CASTS, SIDE_TABLES, CHANGE_HISTORY, GUARDS].map((part) => part.trim()).join('\n\n');
}
