import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** `cdcctl connectors validate` on its inputs: something given must hold a connector definition. */
const ROOT = path.resolve(__dirname, '../../..');

function validate(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/cdcctl'), 'connectors', 'validate', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cdcctl connectors validate: inputs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cdcctl-validate-'));

  it('exits 1 for a folder without a connector definition (it used to report it valid)', () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'README.md'), 'not a connector');
    const result = validate(empty);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${empty}: (folder): holds no connector definition (no .json file)`);
  });

  it('exits 1 for a file that holds no connector, and 0 with a warning only', () => {
    const none = path.join(dir, 'none.json');
    writeFileSync(none, '[]');
    expect(validate(none)).toMatchObject({ code: 1, stdout: expect.stringContaining('none.json: (root): must be a JSON object') });

    const warned = path.join(dir, 'warned.json');
    const config = { 'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector', 'connection.uri': 'mongodb://mongo1:27017/?replicaSet=rs0', database: 'shop', 'copy.existing': 'true' };
    writeFileSync(warned, JSON.stringify({ name: 'shop-source', config }));
    expect(validate(warned)).toMatchObject({ code: 0, stdout: expect.stringContaining('warning: shop-source: copy.existing: is deprecated') });
  });
});
