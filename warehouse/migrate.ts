import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * Applies the versioned warehouse SQL (warehouse/migrations/NNN_name.sql) that has not been applied
 * yet, each file in its own transaction, and records it in `schema_migrations`. Returns the versions
 * applied now. Safe to run on every start.
 */
export async function applyWarehouseMigrations(databaseUrl: string, directory = MIGRATIONS_DIR): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Qualified: a schema named like the database user (`cdc`, which 004 creates) comes first in the search_path.
    await client.query('CREATE TABLE IF NOT EXISTS public.schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ version: string }>('SELECT version FROM public.schema_migrations')).rows.map((row) => row.version));
    const files = (await readdir(directory)).filter((name) => /^\d+_.+\.sql$/.test(name)).sort();
    const appliedNow: string[] = [];
    for (const file of files) {
      const version = file.replace(/\.sql$/, '');
      if (applied.has(version)) continue;
      const sql = await readFile(path.join(directory, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO public.schema_migrations (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`warehouse migration ${file} failed: ${(error as Error).message}`);
      }
      appliedNow.push(version);
    }
    return appliedNow;
  } finally {
    await client.end();
  }
}
