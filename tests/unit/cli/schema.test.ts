import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EMPTY_SNAPSHOT } from '../../../warehouse/schema-migration';
import { runCdcctl } from './run-cdcctl';

/**
 * The migrations folder and the snapshot the command reads: the repository's own, or (for the case
 * of contract changes without their migration) a scratch copy whose snapshot predates every contract.
 */
const scratch = { directory: undefined as string | undefined, snapshotFile: undefined as string | undefined };

jest.mock('../../../warehouse/schema-files', () => {
  const actual = jest.requireActual('../../../warehouse/schema-files');
  return {
    ...actual,
    readSnapshot: () => actual.readSnapshot(scratch.snapshotFile),
    writeNextMigration: (pipelines: unknown, name: string, options: Record<string, unknown>) => actual.writeNextMigration(pipelines, name, { ...options, ...(scratch.directory ? scratch : {}) }),
  };
});

describe('cdcctl schema migration --check', () => {
  afterEach(() => {
    scratch.directory = undefined;
    scratch.snapshotFile = undefined;
  });

  it('exits 0 when the migrations implement the contracts (the repository as committed)', async () => {
    const result = await runCdcctl(['schema', 'migration', '--name', 'nothing_to_do', '--check']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('no contract change without a migration');
  });

  it('exits 2 (not 1) when a contract change has no migration, lists it, and writes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cdcctl-schema-'));
    scratch.directory = path.join(dir, 'migrations');
    scratch.snapshotFile = path.join(dir, 'contract-snapshot.json');
    mkdirSync(scratch.directory);
    const snapshot = `${JSON.stringify({ ...EMPTY_SNAPSHOT, migration: '000_empty' })}\n`;
    writeFileSync(scratch.snapshotFile, snapshot);

    const result = await runCdcctl(['schema', 'migration', '--name', 'add_orders', '--check']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^(compatible|breaking) {2}orders: /m);
    expect(result.stderr).toContain('contract changes without a migration: run cdcctl schema migration --name add_orders');
    expect(result.stderr).not.toMatch(/^error/m);
    expect(readdirSync(scratch.directory)).toEqual([]);
    expect(readFileSync(scratch.snapshotFile, 'utf8')).toBe(snapshot);
  });
});
