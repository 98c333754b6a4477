import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { loadEnvironment } from '../../../config';
import { validateConnectorJson } from '../../../connectors/validate';
import { createAdminApiClient } from '../../../migration/admin-api';
import { readFunctions, runInventory, type InventoryRun } from '../../../migration/generate';
import { buildInventory } from '../../../migration/inventory';
import { maskCredentials, OutsideOutputError, toIdentifier, writeInside } from '../../../migration/output';
import { startFakeAtlasAdminApi, type FakeAtlasAdminApi } from '../../support/fake-atlas-admin-api';
import { FUNCTION_IDS, FUNCTIONS, fakeState, GROUP_ID, HISTORY_LOST, KEYS, LEAKY_URI, STANDARD_APP, STANDARD_APP_TRIGGER, TRIGGERS, TRIGGERS_APP } from './atlas-fixture';
import { generatedSecret } from '../../support/generated-secret';

const LEAKED = generatedSecret('password');

// Runs the inventory against the HTTP FAKE of the Admin API (the real one cannot run here), whose
// triggers live where the Atlas UI puts them: the app of product `atlas`, named "Triggers".
const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;
const SINCE = new Date(NOW.getTime() - 7 * DAY_MS);
let fake: FakeAtlasAdminApi;
let workspace: string;

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

async function inventory(options: { pipelinesDir?: string; maxResponseBytes?: number; app?: string; since?: Date } = {}): Promise<InventoryRun> {
  const client = createAdminApiClient({ baseUrl: fake.url, ...KEYS, maxResponseBytes: options.maxResponseBytes, sleep: async () => undefined });
  return runInventory({
    client,
    project: GROUP_ID,
    app: options.app ?? 'Triggers',
    outDir: path.join(workspace, 'out'),
    pipelinesDir: options.pipelinesDir,
    environment: loadEnvironment('production'),
    since: options.since ?? SINCE,
    now: NOW,
  });
}

beforeEach(async () => {
  fake = await startFakeAtlasAdminApi(fakeState(NOW));
  workspace = await mkdtemp(path.join(os.tmpdir(), 'migrate-inventory-'));
});
afterEach(async () => {
  await fake.close();
  await rm(workspace, { recursive: true, force: true });
});

/** The inventory of the fake's app, run afresh before each test of the describe that calls this. */
let run: InventoryRun;
function inventoryBeforeEach(): void {
  beforeEach(async () => {
    run = await inventory();
  });
}
const triggerNamed = (name: string) => run.document.triggers.find((trigger) => trigger.name === name)!;

describe('migrate inventory: what replaces each trigger', () => {
  inventoryBeforeEach();

  it('maps each trigger type to its replacement', () => {
    expect(triggerNamed('syncOrders').replacement).toMatchObject({ kind: 'connector', pipeline: 'orders_2' });
    expect(triggerNamed('onPaymentPaid').replacement).toMatchObject({ kind: 'connector', pipeline: 'payments' });
    expect(triggerNamed('nightlyRollup')).toMatchObject({ schedule: '0 2 * * *', replacement: { kind: 'scheduled-job' } });
    expect(triggerNamed('nightlyRollup').replacement.summary).toMatch(/CronJob/);
    expect(triggerNamed('welcomeEmail').replacement).toMatchObject({ kind: 'deprecated' });
    expect(triggerNamed('welcomeEmail').replacement.summary).toMatch(/deprecated/);
  });

  it("names each trigger's function from the function list, with its source file", () => {
    expect(triggerNamed('nightlyRollup').function).toEqual({ id: FUNCTION_IDS.rollup, name: 'nightlyRollup', file: 'functions/nightlyRollup.js' });
    expect(triggerNamed('onPaymentPaid').function).toEqual({ id: FUNCTION_IDS.payments, name: 'payments/../../handler', file: 'functions/payments_handler.js' });
  });

  it('lists what a connector cannot express instead of dropping it', () => {
    const payments = triggerNamed('onPaymentPaid').replacement;
    expect(payments.expressed.join('\n')).toMatch(/operationType ∈ \[insert, update\]/);
    expect(payments.expressed.join('\n')).toMatch(/fullDocument\.status/);
    expect(payments.unexpressed.join('\n')).toMatch(/CREATE_COLLECTION/);
    expect(payments.unexpressed.join('\n')).toMatch(/full_document off/);
    expect(payments.notes.join('\n')).toMatch(/unordered/);
    expect(triggerNamed('auditEverything').replacement.unexpressed.join('\n')).toMatch(/every collection of database shop/);
    expect(triggerNamed('brokenTrigger').replacement.unexpressed.join('\n')).toMatch(/config is missing/);
    expect(triggerNamed('syncOrders').replacement.expressed.join('\n')).toMatch(/excludeFields \[internal_notes\]/);
    expect(triggerNamed('syncOrders').replacement.notes.join('\n')).toMatch(/auditOrderDeletes/);
  });

  it('reports malformed and unknown items as problems and keeps going', () => {
    const problems = run.document.problems.map((problem) => `${problem.where}: ${problem.message}`).join('\n');
    expect(problems).toMatch(/noIdOrType.*_id/);
    expect(problems).toMatch(/not a trigger in the documented shape/);
    expect(problems).toMatch(/LOGIN_STREAM/);
    expect(run.document.triggers).toHaveLength(Object.keys(TRIGGERS).length);
  });

  it('computes the baseline from success and error logs', () => {
    expect(triggerNamed('syncOrders').baseline).toEqual({
      executions: 255,
      failures: 5,
      p50_ms: 137,
      p95_ms: 252,
      top_errors: [
        { message: 'connection refused by warehouse', count: 3 },
        { message: 'duplicate key', count: 2 },
      ],
      trigger_failures: 2,
      top_trigger_failures: [{ message: HISTORY_LOST, count: 2 }],
    });
    expect(triggerNamed('onPaymentPaid').baseline).toMatchObject({ executions: 3, failures: 0, p50_ms: 100 });
    expect(triggerNamed('nightlyRollup').baseline).toMatchObject({ executions: 2, p95_ms: 5000 });
    expect(triggerNamed('welcomeEmail').baseline).toEqual({ executions: 0, failures: 0, p50_ms: null, p95_ms: null, top_errors: [], trigger_failures: 0, top_trigger_failures: [] });
  });

  it("counts the trigger's own failures (TRIGGER_FAILURE) apart from its function's, by event_subscription_id", () => {
    // syncOrders: 2 in the window (a third is 8 days old); its 5 function failures stay 5 and its executions 255.
    expect(triggerNamed('syncOrders').baseline).toMatchObject({ executions: 255, failures: 5, trigger_failures: 2 });
    expect(triggerNamed('nightlyRollup').baseline).toMatchObject({ executions: 2, failures: 0, trigger_failures: 1, top_trigger_failures: [{ message: 'execution time limit exceeded', count: 1 }] });
    expect(triggerNamed('onPaymentPaid').baseline.trigger_failures).toBe(0);
    const failureQueries = fake.requests.filter((request) => request.query.type === 'TRIGGER_FAILURE');
    expect(failureQueries.map((request) => 'errors_only' in request.query)).toEqual([false, true]);
    expect(run.document.baselineWindow.scans.filter((scan) => scan.type === 'TRIGGER_FAILURE').map((scan) => scan.entries)).toEqual([0, 3]);
  });
});

describe('buildInventory: shapes the spec allows', () => {
  const built = (config: Record<string, unknown>) =>
    buildInventory({
      project: GROUP_ID,
      app: { _id: TRIGGERS_APP._id, name: 'Triggers', product: 'atlas' },
      rawTriggers: [{ ...TRIGGERS.welcome, config }],
      functions: [],
      baselineOf: () => ({ executions: 0, failures: 0, p50_ms: null, p95_ms: null, top_errors: [], trigger_failures: 0, top_trigger_failures: [] }),
      existingPipelines: [],
    }).triggers[0]!;

  it("reads an Authentication trigger's providers as the schema types them (one string) and as its example gives them (an array)", () => {
    expect(built({ operation_type: 'CREATE', providers: 'api-key' }).authentication).toEqual({ operationType: 'CREATE', providers: ['api-key'] });
    expect(built({ operation_type: 'LOGIN', providers: ['api-key', 'local-userpass'] }).authentication).toEqual({ operationType: 'LOGIN', providers: ['api-key', 'local-userpass'] });
  });
});

describe('migrate inventory: the app, whichever product holds it', () => {
  it("reads the Atlas UI's triggers app (product atlas) by name, _id or client app id", async () => {
    for (const wanted of ['Triggers', TRIGGERS_APP._id, TRIGGERS_APP.client_app_id]) {
      const run = await inventory({ app: wanted });
      expect(run.document.app).toEqual({ id: TRIGGERS_APP._id, name: 'Triggers', clientAppId: TRIGGERS_APP.client_app_id, product: 'atlas' });
      expect(run.document.triggers).toHaveLength(Object.keys(TRIGGERS).length);
    }
  });

  it('reads an App Services app (product standard) and only its trigger', async () => {
    const run = await inventory({ app: STANDARD_APP._id });
    expect(run.document.app).toMatchObject({ name: 'shop-app', product: 'standard' });
    expect(run.document.triggers.map((trigger) => [trigger.id, trigger.name, trigger.replacement.pipeline])).toEqual([[STANDARD_APP_TRIGGER._id, 'syncInvoices', 'invoices']]);
    expect(run.document.triggers[0]!.baseline).toMatchObject({ executions: 2, p50_ms: 40, trigger_failures: 0 });
  });
});

describe('migrate inventory: the baseline window and the 10 days of logs Atlas keeps', () => {
  it('accepts a window of exactly 10 days', async () => {
    const run = await inventory({ since: new Date(NOW.getTime() - 10 * DAY_MS) });
    // The 8-day-old execution and trigger failure now count; the 12-day-old entry is gone from Atlas.
    expect(run.document.triggers.find((trigger) => trigger.name === 'syncOrders')!.baseline).toMatchObject({ executions: 256, trigger_failures: 3 });
  });

  it('refuses a longer window before any request, saying how far back the logs go', async () => {
    await expect(inventory({ since: new Date(NOW.getTime() - 30 * DAY_MS) })).rejects.toThrow(
      '--since 2026-01-30T12:00:00.000Z is 30.0 days back, but App Services keeps logs 10 days: the baseline would count only the last 10; give --since 10d or less (older logs exist only where they were forwarded)',
    );
    expect(fake.requests).toEqual([]);
  });

  it('refuses a window that starts after now', async () => {
    await expect(inventory({ since: new Date(NOW.getTime() + DAY_MS) })).rejects.toThrow(/--since 2026-03-02T12:00:00.000Z is not before now/);
  });
});

describe('migrate inventory: the files it writes', () => {
  inventoryBeforeEach();

  it('generates one pipeline per safe namespace, with the triggers’ conditions on the source', async () => {
    expect(run.document.pipelines.map((pipeline) => [pipeline.name, pipeline.namespace])).toEqual([
      ['orders_2', 'shop.orders'],
      ['payments', 'shop.payments'],
    ]);
    const source = JSON.parse(await readFile(path.join(workspace, 'out', 'connectors', 'cdc-shop-source.json'), 'utf8'));
    expect(source.config['collection.include.list']).toBe('shop.orders,shop.payments');
    expect(JSON.parse(source.config['cursor.pipeline'])).toEqual([
      {
        $match: {
          $or: [
            { 'ns.coll': { $nin: ['payments'] } },
            { $and: [{ 'ns.coll': 'payments' }, { $and: [{ operationType: { $in: ['insert', 'update'] } }, { 'fullDocument.status': 'paid' }] }] },
          ],
        },
      },
    ]);
    const sink = JSON.parse(await readFile(path.join(workspace, 'out', 'connectors', 'cdc-orders_2-sink.json'), 'utf8'));
    expect(sink.config['collection.name.format']).toBe('orders_2_shadow');
  });

  it('writes connector definitions that pass the validator', async () => {
    const files = await filesUnder(path.join(workspace, 'out', 'connectors'));
    expect(files).toHaveLength(3);
    for (const file of files) expect(validateConnectorJson(JSON.parse(await readFile(file, 'utf8')), {}, file)).toEqual([]);
    expect(run.document.connectors.every((connector) => connector.issues.length === 0)).toBe(true);
  });

  it('writes pipeline files that type-check against definePipeline', async () => {
    const files = (await filesUnder(path.join(workspace, 'out', 'pipelines'))).sort();
    expect(files.map((file) => path.basename(file))).toEqual(['migrated-from-triggers.ts', 'orders_2.ts', 'payments.ts']);
    const program = ts.createProgram(files, { strict: true, noEmit: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, types: [], skipLibCheck: true });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  it('never writes outside the output folder, whatever the names', async () => {
    const outside = (await filesUnder(workspace)).filter((file) => !file.startsWith(path.join(workspace, 'out') + path.sep));
    expect(outside).toEqual([]);
    const names = (await filesUnder(path.join(workspace, 'out'))).map((file) => path.relative(path.join(workspace, 'out'), file));
    expect(names.every((name) => !name.includes('..') && /^[A-Za-z0-9_./-]+$/.test(name))).toBe(true);
    expect(names).toContain('functions/payments_handler.js');
    expect(triggerNamed('../../etc/passwd').replacement.unexpressed.join('\n')).toMatch(/cannot carry/);
    expect(triggerNamed('orders/archive\\x').replacement.pipeline).toBeUndefined();
  });

  it('masks credential literals found in function sources', async () => {
    for (const file of await filesUnder(path.join(workspace, 'out'))) expect(await readFile(file, 'utf8')).not.toContain(LEAKY_URI);
    expect(run.document.functions.find((fn) => fn.name === 'syncOrders')).toMatchObject({ maskedCredentials: 1 });
    expect(await readFile(path.join(workspace, 'out', 'report.md'), 'utf8')).toMatch(/rotate them/);
  });

  it('writes a report covering every trigger with its baseline and its fenced function source', async () => {
    const report = await readFile(path.join(workspace, 'out', 'report.md'), 'utf8');
    for (const trigger of run.document.triggers) expect(report).toContain(`| ${trigger.name.replace(/\|/g, '\\|')} |`);
    expect(report).toMatch(/\| syncOrders \| DATABASE \| shop\.orders \| no \| syncOrders \| connector \(orders_2\) \| 255 \| 5 \| 2 \| 137 \| 252 \|/);
    expect(report).toContain('**The trigger itself failed 2 times**');
    expect(report).toContain(`  - 2 × ${HISTORY_LOST}`);
    expect(report).toMatch(/^# Atlas Triggers inventory: app `Triggers` \(product `atlas`, project /m);
    // The welcome function's source contains a ``` fence: the report's fence is longer.
    expect(report).toContain('````js\n// ```');
  });
});

describe('migrate inventory: hostile and failing responses', () => {
  it('records a function whose source is too large to read and goes on', async () => {
    fake.inject(new RegExp(`/functions/${FUNCTION_IDS.rollup}$`), { status: 200, body: { _id: FUNCTION_IDS.rollup, name: 'nightlyRollup', source: 'x'.repeat(300_000) } });
    const run = await inventory({ maxResponseBytes: 200_000 });
    expect(run.document.functions.find((fn) => fn.id === FUNCTION_IDS.rollup)?.error).toMatch(/larger than 200000 bytes/);
    expect(run.document.problems.map((problem) => problem.where)).toContain('function nightlyRollup');
    expect(run.document.triggers).toHaveLength(Object.keys(TRIGGERS).length);
  });

  it('leaves a hand-written file in the pipelines folder alone', async () => {
    const pipelinesDir = path.join(workspace, 'pipelines');
    await mkdir(pipelinesDir, { recursive: true });
    await writeFile(path.join(pipelinesDir, 'payments.ts'), '// hand-written\n');
    const run = await inventory({ pipelinesDir });
    expect(await readFile(path.join(pipelinesDir, 'payments.ts'), 'utf8')).toBe('// hand-written\n');
    expect(run.document.problems.find((problem) => problem.where === 'pipeline payments')?.message).toMatch(/not generated by this command/);
  });

  it('names the apps when --app matches none', async () => {
    await expect(
      runInventory({
        client: createAdminApiClient({ baseUrl: fake.url, ...KEYS }),
        project: GROUP_ID,
        app: 'nope',
        outDir: path.join(workspace, 'out'),
        environment: loadEnvironment('production'),
        since: SINCE,
        now: NOW,
      }),
    ).rejects.toThrow(`--app: no app "nope" among the standard and atlas apps of project ${GROUP_ID} (apps: Triggers (${TRIGGERS_APP._id}, atlas), shop-app (${STANDARD_APP._id}, standard))`);
  });
});

describe('migrate inventory: files planted in the output folder', () => {
  it('refuses to write through a planted inventory.json → outside, and leaves the outside file alone', async () => {
    const out = path.join(workspace, 'out');
    await mkdir(out, { recursive: true });
    const outside = path.join(workspace, 'outside.txt');
    await writeFile(outside, 'precious\n');
    await symlink(outside, path.join(out, 'inventory.json'));
    await expect(inventory()).rejects.toThrow(/inventory\.json.*is a symbolic link/);
    expect(await readFile(outside, 'utf8')).toBe('precious\n');
  });

  it('a link where a pipeline file goes is not read through nor written through: the pipeline is left out and said so', async () => {
    const pipelinesDir = path.join(workspace, 'pipelines');
    await mkdir(pipelinesDir, { recursive: true });
    const outside = path.join(workspace, 'outside.ts');
    await writeFile(outside, '// Generated by `cdcctl migrate inventory` (or so it says)\n');
    await symlink(outside, path.join(pipelinesDir, 'payments.ts'));
    const run = await inventory({ pipelinesDir });
    expect(run.document.problems.find((problem) => problem.where === 'pipeline payments')?.message).toMatch(/not generated by this command/);
    expect(await readFile(outside, 'utf8')).toBe('// Generated by `cdcctl migrate inventory` (or so it says)\n');
  });
});

describe('migrate inventory: memory', () => {
  it('keeps of each function source only what the report shows, whatever its size', async () => {
    const big = Array.from({ length: 20_000 }, (_, index) => `// line ${index} ${'x'.repeat(40)}`).join('\n');
    for (const { _id, name } of FUNCTIONS) fake.inject(new RegExp(`/functions/${_id}$`), { status: 200, body: { _id, name, source: big } });
    const client = createAdminApiClient({ baseUrl: fake.url, ...KEYS, sleep: async () => undefined });
    const read = await readFunctions(client, GROUP_ID, { _id: TRIGGERS_APP._id, name: 'Triggers' }, path.join(workspace, 'out'));
    expect(read.sources.size).toBe(4);
    for (const excerpt of read.sources.values()) {
      expect(excerpt.lines).toBe(20_000);
      expect(excerpt.head.split('\n')).toHaveLength(40);
    }
    // The whole source is in its file, written as it arrived.
    expect((await readFile(path.join(workspace, 'out', 'functions', 'syncOrders.js'), 'utf8')).length).toBe(big.length);
  });
});

describe('output safety', () => {
  it('refuses paths that resolve outside the folder, and folders that link outside', async () => {
    const root = path.join(workspace, 'root');
    await mkdir(root, { recursive: true });
    await expect(writeInside(root, '../escape.txt', 'x')).rejects.toThrow(OutsideOutputError);
    await expect(writeInside(root, '/etc/escape.txt', 'x')).rejects.toThrow(OutsideOutputError);
    await symlink(workspace, path.join(root, 'linked'));
    await expect(writeInside(root, 'linked/escape.txt', 'x')).rejects.toThrow(/links outside/);
    await expect(writeInside(root, 'inside/ok.txt', 'x')).resolves.toBe(path.join(root, 'inside', 'ok.txt'));
  });

  it('turns any name into an identifier definePipeline accepts', () => {
    for (const raw of ['../../etc', 'Orders Archive', '2024_orders', 'Çafé', '', '_', 'ordersV2']) expect(toIdentifier(raw, 'collection')).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(toIdentifier('ordersV2', 'x')).toBe('orders_v2');
  });

  it('masks URI passwords, AWS key ids and quoted secrets', () => {
    const masked = maskCredentials(`const a = "${LEAKY_URI}"; const b = { password: '${LEAKED}' }; // AKIA${'A'.repeat(16)}`);
    expect(masked.masked).toBe(3);
    expect(masked.text).not.toMatch(new RegExp(`fixture-password|${LEAKED}|AKIAA`));
  });
});
