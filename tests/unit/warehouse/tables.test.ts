import { pipelines } from '../../../connectors/pipelines';
import { dropSchemaSql, pipelineTableIn } from '../../../warehouse/tables';

describe('pipeline tables outside the migrations (tests, benchmarks)', () => {
  const orders = pipelines.find((pipeline) => pipeline.name === 'orders')!;

  it('are the DDL of the migrations in another schema or under another name', () => {
    expect(pipelineTableIn('bench_x', orders, 'orders_latency')).toContain('CREATE TABLE bench_x.orders_latency (');
    expect(pipelineTableIn('bench_x', orders, 'orders_latency')).toContain('CREATE OR REPLACE FUNCTION cdc.apply_bench_x_orders_latency()');
  });

  it('are dropped with their side-table rows, and only plain schema names are taken', () => {
    expect(dropSchemaSql('bench_x')).toContain("DELETE FROM cdc.deleted_rows WHERE table_name LIKE 'bench_x.%';");
    expect(() => dropSchemaSql('Bad')).toThrow('not a plain schema name');
  });
});
