import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPORTING_VIEWS } from '../../../warehouse/views';

const MIGRATIONS = path.resolve(__dirname, '../../../warehouse/migrations');
const sql = readdirSync(MIGRATIONS)
  .filter((name) => name.endsWith('.sql'))
  .map((name) => readFileSync(path.join(MIGRATIONS, name), 'utf8'))
  .join('\n');

describe('the reporting views', () => {
  it('are exactly the views the migrations create', () => {
    const created = [...sql.matchAll(/CREATE (?:OR REPLACE )?VIEW\s+(\w+)/gi)].map((match) => match[1]);
    expect([...new Set(created)].sort()).toEqual([...REPORTING_VIEWS].sort());
  });
});
