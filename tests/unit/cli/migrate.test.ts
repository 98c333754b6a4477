import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatValidationText } from '../../../cli/commands/migrate';
import { DEFAULT_TOLERANCES } from '../../../migration/compare';
import type { ValidationResult } from '../../../migration/shadow-validation';
import { startFakeAtlasAdminApi, type FakeAtlasAdminApi } from '../../support/fake-atlas-admin-api';
import { generatedSecret } from '../../support/generated-secret';
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

describe('cdcctl migrate validate', () => {
  const result: ValidationResult = {
    runId: '00000000-0000-4000-8000-000000000001',
    collection: 'orders',
    triggerTable: 'orders',
    streamTable: 'orders_shadow',
    mode: 'full',
    keyColumns: ['id'],
    comparedColumns: ['doc'],
    columnsOnlyInTrigger: [],
    columnsOnlyInStream: [],
    rowsExamined: 10,
    rowsMatching: 6,
    rowsWithDifferences: 2,
    missingOnStream: 1,
    missingOnTrigger: 1,
    accuracyPercent: 60,
    recommendation: 'major-issues',
    threshold: 99.9,
    passed: false,
    fields: [],
    discrepanciesStored: 0,
    tolerances: DEFAULT_TOLERANCES,
    durationMs: 1000,
  };

  it('prints the counts per verdict in a run checked against the source, and no such line without it', () => {
    const sourceVerdicts = { 'trigger-side wrong': 1, 'stream-side wrong': 2, 'both wrong': 0, 'source changed since': 1, undecided: 0 };
    expect(formatValidationText({ ...result, sourceVerdicts })).toContain(
      '  against the source     trigger-side wrong 1, stream-side wrong 2, both wrong 0, source changed since 1, undecided 0\n',
    );
    expect(formatValidationText(result)).not.toContain('against the source');
  });

  it('refuses a source check of tables that are no pipeline\'s, before connecting, without printing the password', async () => {
    const secret = generatedSecret('password');
    const refused = await runCdcctl([
      ...['migrate', 'validate', '--collection', 'audit', '--trigger-table', 'a', '--stream-table', 'b'],
      ...['--database-url', 'postgres://bi@127.0.0.1:1/none', '--source-url', `mongodb://cdc:${secret}@127.0.0.1:1/`],
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--source-url: --collection must name a pipeline, whose database and collection are the source (got "audit")');
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(secret);
  });
});
