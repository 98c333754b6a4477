import { pipelines } from '../../../connectors/pipelines';
import { changeHistoryTriggerSql, dropPipelineTableSql, dropSchemaSql, pipelineTableIn } from '../../../warehouse/tables';

describe('pipeline tables outside the migrations (tests, benchmarks)', () => {
  const orders = pipelines.find((pipeline) => pipeline.name === 'orders')!;

  it('are the DDL of the migrations in another schema or under another name', () => {
    expect(pipelineTableIn('bench_x', orders, 'orders_latency')).toContain('CREATE TABLE bench_x.orders_latency (');
    expect(pipelineTableIn('bench_x', orders, 'orders_latency')).toContain('CREATE OR REPLACE FUNCTION cdc.apply_bench_x_orders_latency()');
  });

  it('are dropped with their functions, named exactly, and side-table rows, and only plain names are taken', () => {
    expect(dropPipelineTableSql('public', 'gitops_orders')).toContain("names := ARRAY['apply_public_gitops_orders', 'violations_public_gitops_orders', 'lines_public_gitops_orders'];");
    expect(dropPipelineTableSql('public', 'gitops_orders')).toContain("DELETE FROM cdc.deleted_rows WHERE table_name = 'public.gitops_orders';");
    // A schema's functions come from its own tables, never by prefix (schema x_y's would match x's).
    expect(dropSchemaSql('bench_x')).toContain("WHERE t.schemaname = 'bench_x'");
    expect(dropSchemaSql('bench_x')).not.toMatch(/proname ~/);
    expect(dropSchemaSql('bench_x')).toContain("DELETE FROM cdc.deleted_rows WHERE table_name LIKE 'bench_x.%';");
    expect(dropPipelineTableSql('public', 'gitops_orders')).toContain("DELETE FROM cdc.change_history WHERE table_name = 'public.gitops_orders';");
    expect(() => dropPipelineTableSql('public', "x'; DROP TABLE y; --")).toThrow('not a plain SQL name');
    expect(() => dropSchemaSql('Bad')).toThrow('not a plain schema name');
  });

  it("take part in the change history through a trigger that fires before the version guard's apply", () => {
    const sql = changeHistoryTriggerSql('public', 'faults_orders');
    expect(sql).toBe('CREATE TRIGGER a_change_history BEFORE INSERT OR UPDATE ON public.faults_orders FOR EACH ROW EXECUTE FUNCTION cdc.record_change();');
    // PostgreSQL fires a table's BEFORE triggers in the byte order of their names.
    const triggerName = sql.split(' ')[2]!;
    expect(Buffer.compare(Buffer.from(triggerName), Buffer.from('apply'))).toBeLessThan(0);
    expect(pipelineTableIn('public', orders, 'faults_orders')).toContain('CREATE TRIGGER apply BEFORE INSERT OR UPDATE ON public.faults_orders');
    expect(() => changeHistoryTriggerSql('public', 'x; DROP TABLE y')).toThrow('not a plain SQL name');
  });
});
