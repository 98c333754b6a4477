import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipelines } from '../../../connectors/pipelines';
import { definePipeline, type PipelineDefinition } from '../../../connectors/pipelines/define';
import { hasPendingChanges, migrationSql, nextMigrationFile, pendingChanges, snapshotOf } from '../../../warehouse/schema-migration';
import { migrationFiles, readSnapshot, serializeSnapshot, writeNextMigration } from '../../../warehouse/schema-files';

const orders = pipelines.find((pipeline) => pipeline.name === 'orders')!;
const withContract = (pipeline: PipelineDefinition, columns: Record<string, unknown>): PipelineDefinition =>
  definePipeline({ ...pipeline, contract: { ...pipeline.contract!, columns: columns as never } });

describe('warehouse migrations from the contracts', () => {
  it('the committed snapshot is what the contracts need: a contract changed without its migration fails here', () => {
    const pending = pendingChanges(readSnapshot(), pipelines);
    const message = hasPendingChanges(pending)
      ? `contracts changed without a warehouse migration: ${JSON.stringify(pending)}; run: node bin/cdcctl schema migration --name <what_changed>`
      : 'no pending change';
    expect(message).toBe('no pending change');
  });

  it('the snapshot names the newest migration', () => {
    expect(readSnapshot().migration).toBe(migrationFiles().at(-1)!.replace(/\.sql$/, ''));
  });

  it('numbers the next migration after the last', () => {
    expect(nextMigrationFile(['001_a.sql', '004_b.sql'], 'add_loyalty')).toBe('005_add_loyalty.sql');
    expect(() => nextMigrationFile([], 'Add Loyalty')).toThrow('--name must be lower-case letters');
  });

  describe('a changed contract', () => {
    const snapshot = snapshotOf(pipelines, '004_document_contracts');

    it('a new nullable column: ALTER TABLE ADD COLUMN on the table and its shadow, backfilled, functions and views replaced', () => {
      const changed = withContract(orders, { ...orders.contract!.columns, coupon: { path: 'coupon.code', type: 'text' } });
      const sql = migrationSql(snapshot, pipelines.map((pipeline) => (pipeline.name === 'orders' ? changed : pipeline)), '005_coupon.sql');
      expect(sql).toContain('"kind":"column-added","column":"coupon","compatibility":"compatible"');
      expect(sql).toContain('ALTER TABLE public.orders ADD COLUMN coupon text;');
      expect(sql).toContain('ALTER TABLE public.orders_shadow ADD COLUMN coupon text;');
      expect(sql).toContain(`UPDATE public.orders SET coupon = cdc.as_text(doc #> '{"coupon","code"}'), __violations = cdc.violations_public_orders(doc) WHERE doc IS NOT NULL;`);
      expect(sql).toContain('CREATE OR REPLACE FUNCTION cdc.apply_public_orders()');
      expect(sql.indexOf('DROP VIEW IF EXISTS public.orders_per_minute;')).toBeLessThan(sql.indexOf('DROP VIEW IF EXISTS public.fact_orders;'));
      expect(sql).toContain('CREATE VIEW public.fact_orders AS');
      expect(sql).not.toContain('CREATE TABLE public.orders (');
    });

    it('a dropped column and a narrowed type are breaking', () => {
      const { currency: _currency, ...rest } = orders.contract!.columns;
      const changed = withContract(orders, { ...rest, total: { path: 'total', type: 'numeric(10,2)' } });
      const pending = pendingChanges(snapshot, pipelines.map((pipeline) => (pipeline.name === 'orders' ? changed : pipeline)));
      expect(pending.contract.map((change) => [change.kind, change.column, change.compatibility])).toEqual([
        ['column-dropped', 'currency', 'breaking'],
        ['type-changed', 'total', 'breaking'],
      ]);
      const sql = migrationSql(snapshot, pipelines.map((pipeline) => (pipeline.name === 'orders' ? changed : pipeline)), '005_x.sql');
      expect(sql).toContain('ALTER TABLE public.orders DROP COLUMN IF EXISTS currency;');
      expect(sql).toContain('ALTER TABLE public.orders ALTER COLUMN total TYPE numeric(10,2) USING NULL;');
    });

    it('writes the file and the new snapshot; a second run finds nothing to write', () => {
      const directory = mkdtempSync(path.join(tmpdir(), 'cdc-migrations-'));
      const snapshotFile = path.join(directory, 'snapshot.json');
      writeFileSync(path.join(directory, '004_document_contracts.sql'), '-- before\n');
      writeFileSync(snapshotFile, serializeSnapshot(snapshot));
      const changed = pipelines.map((pipeline) => (pipeline.name === 'orders' ? withContract(orders, { ...orders.contract!.columns, coupon: { path: 'coupon', type: 'text' } }) : pipeline));
      expect(writeNextMigration(changed, 'coupon', { directory, snapshotFile, check: true })?.file).toBe('005_coupon.sql');
      expect(readdirSync(directory).sort()).toEqual(['004_document_contracts.sql', 'snapshot.json']);
      expect(writeNextMigration(changed, 'coupon', { directory, snapshotFile })?.file).toBe('005_coupon.sql');
      expect(JSON.parse(readFileSync(snapshotFile, 'utf8')).migration).toBe('005_coupon');
      expect(writeNextMigration(changed, 'again', { directory, snapshotFile })).toBeUndefined();
    });
  });
});
