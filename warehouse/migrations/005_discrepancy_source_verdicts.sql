-- `cdcctl migrate validate --source-url` checks each discrepancy against the source collection
-- (migration/source-verdict.ts): which side agrees with the source document. Each stored discrepancy
-- keeps its verdict; each run its counts per verdict. NULL for runs without the source, and for the
-- runs before this migration. IF NOT EXISTS: as 003, safe to apply over tables a run created itself.
ALTER TABLE migration_discrepancies ADD COLUMN IF NOT EXISTS source_verdict text
  CHECK (source_verdict IN ('trigger-side wrong', 'stream-side wrong', 'both wrong', 'source changed since', 'undecided'));

ALTER TABLE migration_validation_runs ADD COLUMN IF NOT EXISTS source_verdicts jsonb;
