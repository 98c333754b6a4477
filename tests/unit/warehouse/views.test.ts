import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pipelines } from '../../../connectors/pipelines';
import { shadowTable } from '../../../connectors/naming';
import { REPORTING_VIEW_DEFINITIONS, REPORTING_VIEWS, viewsReading } from '../../../warehouse/views';

const MIGRATIONS = path.resolve(__dirname, '../../../warehouse/migrations');
const files = readdirSync(MIGRATIONS).filter((name) => name.endsWith('.sql')).sort();
const sql = files.map((name) => readFileSync(path.join(MIGRATIONS, name), 'utf8')).join('\n');
/** The line-item relations of the pipelines (`<table>_<lines.name>`): part of a pipeline's table, not a reporting view. */
const lineRelations = pipelines.flatMap((pipeline) => (pipeline.contract?.lines ? [pipeline.table, shadowTable(pipeline)].map((table) => `${table}_${pipeline.contract!.lines!.name}`) : []));

describe('the reporting views', () => {
  it('are exactly the views the migrations create, besides the line-item relations', () => {
    const created = [...sql.matchAll(/CREATE (?:OR REPLACE )?VIEW\s+(?:public\.)?(\w+)/gi)].map((match) => match[1]!);
    expect([...new Set(created)].filter((name) => !lineRelations.includes(name)).sort()).toEqual([...REPORTING_VIEWS].sort());
  });

  it('are defined here as the last migration that creates each defines it', () => {
    for (const view of REPORTING_VIEW_DEFINITIONS) {
      const last = [...files].reverse().map((name) => readFileSync(path.join(MIGRATIONS, name), 'utf8')).find((text) => text.includes(`VIEW public.${view.name} AS`));
      expect({ view: view.name, inMigration: last?.includes(view.sql) }).toEqual({ view: view.name, inMigration: true });
    }
  });

  it('are recreated after what they read: a view reading a view goes with it', () => {
    expect(viewsReading(['customers']).map((view) => view.name)).toEqual(['fact_orders', 'orders_per_minute']);
    expect(viewsReading(['payments'])).toEqual([]);
  });
});
