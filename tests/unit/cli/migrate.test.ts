import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeAtlasAdminApi, type FakeAtlasAdminApi } from '../../support/fake-atlas-admin-api';
import { fakeState, GROUP_ID, KEYS } from '../migration/atlas-fixture';
import { runCdcctl } from './run-cdcctl';

describe('cdcctl migrate inventory --output json', () => {
  let fake: FakeAtlasAdminApi;
  beforeEach(async () => {
    fake = await startFakeAtlasAdminApi(fakeState(new Date()));
    process.env.ATLAS_PUBLIC_KEY = KEYS.publicKey;
    process.env.ATLAS_PRIVATE_KEY = KEYS.privateKey;
  });
  afterEach(async () => {
    delete process.env.ATLAS_PUBLIC_KEY;
    delete process.env.ATLAS_PRIVATE_KEY;
    await fake.close();
  });

  const inventory = (out: string, ...flags: string[]) => runCdcctl(['migrate', 'inventory', '--project', GROUP_ID, '--app', 'Triggers', '--api-url', fake.url, '--out', out, ...flags]);

  it('prints each trigger with its replacement and every file written as one JSON document; warnings stay on stderr', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'cdcctl-inventory-'));
    const result = await inventory(out, '--output', 'json');
    const report = JSON.parse(result.stdout);
    expect(report.environment).toBe('production');
    expect(report.triggers).toContainEqual({ name: 'syncOrders', type: 'DATABASE', replacement: 'connector', pipeline: 'orders_2' });
    expect(report.triggers).toContainEqual({ name: 'nightlyRollup', type: 'SCHEDULED', replacement: 'scheduled-job' });
    expect(report.functions).toBeGreaterThan(0);
    expect(report.report).toBe(path.join(out, 'report.md'));
    expect(report.files.length).toBeGreaterThan(0);
    for (const file of report.files) expect(existsSync(file)).toBe(true);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(result.stderr).toContain(`warning: ${report.problems[0].where}`);
    expect(result.code).toBe(report.connectors.some((connector: { issues: string[] }) => connector.issues.length) ? 1 : 0);
  });

  it('keeps text the default and refuses an unknown format before asking the API', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'cdcctl-inventory-'));
    const text = await inventory(out);
    expect(text.stdout).toMatch(/^\d+ triggers \(/);
    expect(text.stdout).toContain(`read ${path.join(out, 'report.md')}`);
    const refused = await inventory(out, '--output', 'yaml');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('--output must be one of text, json (got yaml)') });
  });
});
