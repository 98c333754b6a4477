-- The results of `cdcctl migrate validate` (migration/shadow-validation.ts): one row per run with its
-- settings and summary, one row per discrepancy it found (capped per run; the run's counts stay exact).
-- Part of the warehouse's versioned schema, so that a run never creates tables and the columns are
-- decided once. IF NOT EXISTS: runs of earlier versions created these very tables themselves.
CREATE TABLE IF NOT EXISTS migration_validation_runs (
  run_id                 uuid PRIMARY KEY,
  collection             text NOT NULL,
  trigger_table          text NOT NULL,
  stream_table           text NOT NULL,
  mode                   text NOT NULL,
  started_at             timestamptz NOT NULL,
  finished_at            timestamptz,
  rows_examined          bigint,
  rows_matching          bigint,
  rows_with_differences  bigint,
  missing_on_stream      bigint,
  missing_on_trigger     bigint,
  accuracy_percent       numeric,
  recommendation         text,
  threshold              numeric NOT NULL,
  passed                 boolean,
  options                jsonb NOT NULL
);

CREATE TABLE IF NOT EXISTS migration_discrepancies (
  id             bigserial PRIMARY KEY,
  run_id         uuid NOT NULL,
  collection     text NOT NULL,
  row_key        text NOT NULL,
  kind           text NOT NULL,
  field          text,
  trigger_value  text,
  stream_value   text,
  detected_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS migration_discrepancies_run_id ON migration_discrepancies (run_id);
