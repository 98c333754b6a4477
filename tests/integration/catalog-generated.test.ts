/**
 * catalog/generated/ against the real worker of the test runtime, which runs the plugins at the
 * versions config/versions.ts pins: regenerating (every connector, transform, predicate and converter
 * the worker lists, with the config definitions of each) gives the committed files byte for byte, so
 * a version bump without `cdcctl connectors catalog generate` fails here.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnectClient } from '../../connectors/connect/client';
import { generateCatalogFiles } from '../../connectors/connect/generate-catalog';
import { getTestRuntime } from './support/runtime';

jest.setTimeout(60_000);

const runtime = getTestRuntime();
const repository = path.resolve(__dirname, '../..');
const committed = path.join(repository, 'connectors', 'catalog', 'generated');
const scratch = mkdtempSync(path.join(tmpdir(), 'cdc-catalog-generated-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cdcctl(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/cdcctl', ...args], { cwd: repository, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('connectors catalog generate, against the live worker', () => {
  it('gives the committed files of catalog/generated/ byte for byte', async () => {
    const files = await generateCatalogFiles(createConnectClient({ url: runtime.connect.url }));
    expect(files.map((file) => file.path).sort()).toEqual([
      'converters.ts',
      'debezium-jdbc-sink.ts',
      'debezium-mongodb-sink.ts',
      'debezium-mongodb-source.ts',
      'index.ts',
      'mongodb-sink.ts',
      'mongodb-source.ts',
      'predicates.ts',
      'transforms.ts',
    ]);
    for (const file of files) expect({ file: file.path, same: readFileSync(path.join(committed, file.path), 'utf8') === file.content }).toEqual({ file: file.path, same: true });
  });

  it('--check exits 0 when the files match, and 2 naming the file that does not', () => {
    const copy = path.join(scratch, 'generated');
    cpSync(committed, copy, { recursive: true });
    expect(cdcctl('connectors', 'catalog', 'generate', '--check', '--connect-url', runtime.connect.url, '--out', copy)).toMatchObject({ status: 0, stderr: expect.stringContaining('9 generated files match the worker') });

    const tampered = path.join(copy, 'debezium-jdbc-sink.ts');
    writeFileSync(tampered, readFileSync(tampered, 'utf8').replace('"batch.size": {"type":"INT"', '"batch.size": {"type":"LONG"'));
    const check = cdcctl('connectors', 'catalog', 'generate', '--check', '--connect-url', runtime.connect.url, '--out', copy);
    expect(check.status).toBe(2);
    expect(check.stderr).toContain('1 generated file differs from what the worker reports');
    expect(check.stderr).toContain('debezium-jdbc-sink.ts');

    // Without --check it writes the worker's answer back.
    expect(cdcctl('connectors', 'catalog', 'generate', '--connect-url', runtime.connect.url, '--out', copy).status).toBe(0);
    expect(readFileSync(tampered, 'utf8')).toBe(readFileSync(path.join(committed, 'debezium-jdbc-sink.ts'), 'utf8'));
  });
});
