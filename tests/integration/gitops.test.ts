/**
 * The scripts the GitOps workflows call, against the real servers of the test runtime: a plan
 * comment for a real change, an apply and its health gate, drift after a change made on the worker
 * behind the tool's back, and an offsets snapshot restored into a real sink connector. Plus the
 * stacks side: the saved plan and its apply with the real Terraform on a stack that needs no cloud
 * (Terraform's built-in `terraform_data`).
 *
 * Everything here is named `cdc-gitops-…` (connectors, topics) or `gitops_…` (tables) so it never
 * meets the other integration tests' connectors, and is deleted afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { parseEnvironment, type Environment } from '../../config';
import { local } from '../../config/environments/local';
import { apply } from '../../connectors/connect/apply';
import { createConnectClient, type ConnectClient } from '../../connectors/connect/client';
import { deadLetterTopic, sinkConnectorName, sinkConsumerGroup, sourceTopic } from '../../connectors/naming';
import { definePipeline } from '../../connectors/pipelines/define';
import { orders } from '../../connectors/pipelines/orders';
import { renderEnvironment } from '../../connectors/render';
import { planEnvironment } from '../../gitops/connectors-plan';
import { detectDrift } from '../../gitops/drift';
import { markerComment, upsertMarkedComment } from '../../gitops/github';
import { waitHealthy } from '../../gitops/health';
import { composeComment } from '../../gitops/pr-comment';
import { applyEnvironmentStacks } from '../../gitops/stacks-apply';
import { planEnvironmentStacks } from '../../gitops/stacks-plan';
import { customerId, orderDocument, type SampleChange } from '../../local/sample-data';
import { dropPipelineTableSql, pipelineTableIn } from '../../warehouse/tables';
import { kafkaClient, replayChanges } from '../../local/replay';
import { startFakeGitHubApi } from '../unit/gitops/fake-github-api';
import { getTestRuntime } from './support/runtime';
import { waitFor } from './support/wait';
import { generatedSecret } from '../support/generated-secret';

const TOKEN = generatedSecret('token');

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '../..');
const runtime = getTestRuntime();
/** The orders pipeline, writing to a table of this test's own. */
const gitopsOrders = definePipeline({ ...orders, table: 'gitops_orders' });
const PIPELINES = [gitopsOrders];

/** The local environment on the test runtime, under names of this test's own. */
function gitopsEnvironment(sink: { batchSize?: number } = {}): Environment {
  return parseEnvironment({
    ...local,
    connect: { ...local.connect, url: runtime.connect.url },
    managedConnectorPrefix: 'cdc-gitops-',
    topicPrefix: 'cdc-gitops',
    collections: { orders: { phase: 'stream', sink } },
  });
}

const environment = gitopsEnvironment();
const SINK = sinkConnectorName(environment, gitopsOrders);
const TOPIC = sourceTopic(environment, gitopsOrders);
const output = path.join(runtime.stateDir, 'gitops');
let client: ConnectClient;
let warehouse: Client;

function cdcctl(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/cdcctl'), ...args, '--env', 'local', '--connect-url', runtime.connect.url], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function removeEverything(): Promise<void> {
  for (const connector of await client.listConnectors()) if (connector.name.startsWith('cdc-gitops-')) await client.deleteConnector(connector.name);
  await warehouse.query(dropPipelineTableSql('public', 'gitops_orders'));
  const admin = kafkaClient(runtime.kafka.bootstrapServers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic === TOPIC || topic === deadLetterTopic(environment, gitopsOrders));
    if (topics.length) await admin.deleteTopics({ topics });
    // The group empties a moment after its connector is deleted.
    const group = sinkConsumerGroup(environment, gitopsOrders);
    if ((await admin.listGroups()).groups.some((entry) => entry.groupId === group)) {
      await waitFor(`consumer group ${group} to be deleted`, () => admin.deleteGroups([group]).then(() => true), 30_000, 500);
    }
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  client = createConnectClient({ url: runtime.connect.url });
  warehouse = new Client({ connectionString: runtime.warehouse.url });
  await warehouse.connect();
  await removeEverything();
  // The sink writes into a table the warehouse migrations make (schema.evolution=none): this test's own, made the same way.
  await warehouse.query(pipelineTableIn('public', gitopsOrders));
  mkdirSync(output, { recursive: true });
});

afterAll(async () => {
  if (client && warehouse) await removeEverything();
  await warehouse?.end();
});

const inserts = (prefix: string, count: number): SampleChange[] =>
  Array.from({ length: count }, (_, index) => ({
    collection: 'orders',
    operation: { kind: 'insert', document: { ...orderDocument(index + 1, customerId(index % 50), new Date('2026-01-07T09:00:00Z')), _id: `${prefix}-${index + 1}` } },
  }));

/** Offsets committed for the test's topic, summed over its partitions. */
async function committed(): Promise<number> {
  const { offsets } = await client.getOffsets(SINK);
  return offsets.filter((entry) => entry.partition.kafka_topic === TOPIC).reduce((sum, entry) => sum + Number(entry.offset?.kafka_offset ?? 0), 0);
}

async function rowCount(): Promise<number> {
  const { rows } = await warehouse.query("SELECT count(*)::int AS count FROM gitops_orders WHERE _id LIKE 'gitops-%'");
  return rows[0].count;
}

const reachesCount = (what: string, probe: () => Promise<number>, expected: number) => waitFor(what, async () => ((await probe()) === expected ? true : undefined), 90_000, 500);

describe('connectors: apply, plan comment, drift', () => {
  it('apply creates the connector main defines, and the health gate passes', async () => {
    const result = await apply(client, renderEnvironment(environment, PIPELINES), { managedPrefix: environment.managedConnectorPrefix, waitTimeoutMs: 90_000 });
    expect(result.error).toBeUndefined();
    expect(result.applied.map((change) => [change.connector, change.action])).toEqual([[SINK, 'create']]);
    const health = await waitHealthy(environment, { client, pipelines: PIPELINES, settleMs: 3_000, pollIntervalMs: 500, timeoutMs: 90_000 });
    expect(health.last).toEqual({ failed: [], waiting: [], converged: true });
    expect(health.healthy).toBe(true);
  });

  it('a changed field becomes a pull-request comment with the field-level diff, posted once and updated in place', async () => {
    const report = await planEnvironment(gitopsEnvironment({ batchSize: 777 }), { client, pipelines: PIPELINES });
    expect(report.exitCode).toBe(2);
    expect(report.plan!.changes.map((change) => ({ connector: change.connector, action: change.action, diff: change.diff }))).toEqual([
      { connector: SINK, action: 'update', diff: [{ field: 'batch.size', before: '1000', after: '777' }] },
    ]);
    const body = composeComment('connectors-plan', 'Connectors plan', [report.markdown], { sha: 'f00dfeedbeef1234', artifacts: ['rendered-connectors'] });
    expect(body).toContain(`| \`${SINK}\` | update | 1 |`);
    expect(body).toContain('- batch.size=1000\n+ batch.size=777');
    expect(body).toContain('**1 to update** · exit code 2');
    // The worker resolves the warehouse password from its environment; the comment only ever names the placeholder.
    expect(body).not.toContain(new URL(runtime.warehouse.url).password);
    writeFileSync(path.join(output, 'connectors-plan-comment.md'), body);

    const github = await startFakeGitHubApi({ repository: 'acme/cdc', token: TOKEN });
    try {
      const target = { apiUrl: github.url, repository: 'acme/cdc', pullRequest: 3, token: TOKEN };
      expect((await upsertMarkedComment(target, markerComment('connectors-plan'), body)).action).toBe('created');
      const unchanged = composeComment('connectors-plan', 'Connectors plan', [(await planEnvironment(environment, { client, pipelines: PIPELINES })).markdown]);
      expect((await upsertMarkedComment(target, markerComment('connectors-plan'), unchanged)).action).toBe('updated');
      expect(github.comments.get(3)!.map((comment) => comment.body)).toEqual([unchanged]);
      expect(unchanged).toContain('**no changes** · exit code 0');
    } finally {
      await github.close();
    }
  });

  it('a config changed directly on the worker is drift: exit 2, the connector and field named', async () => {
    const live = await client.getConfig(SINK);
    const response = await fetch(`${runtime.connect.url}/connectors/${SINK}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...live, 'batch.size': '555' }),
    });
    expect(response.status).toBe(200);
    const drift = await detectDrift(environment, { client, pipelines: PIPELINES });
    expect(drift.exitCode).toBe(2);
    expect(drift.drifted).toEqual([{ connector: SINK, kind: 'config', fields: [{ field: 'batch.size', before: '555', after: '1000' }] }]);
    expect(drift.text).toContain(`${SINK}: batch.size: live "555", main "1000"`);
    expect(drift.markdown).toContain('> 1 connector differ');
  });

  it('applying main again removes the drift', async () => {
    const result = await apply(client, renderEnvironment(environment, PIPELINES), { managedPrefix: environment.managedConnectorPrefix, waitTimeoutMs: 90_000 });
    expect(result.applied.map((change) => [change.connector, change.action])).toEqual([[SINK, 'update']]);
    const drift = await detectDrift(environment, { client, pipelines: PIPELINES });
    expect({ exitCode: drift.exitCode, drifted: drift.drifted }).toEqual({ exitCode: 0, drifted: [] });
  });
});

describe('offsets: export, let the consumer move on, restore', () => {
  const snapshotFile = path.join(output, 'offsets-snapshot.json');

  beforeAll(async () => {
    // The sink main defines, running (a no-op when the tests above left it so).
    const result = await apply(client, renderEnvironment(environment, PIPELINES), { managedPrefix: environment.managedConnectorPrefix, waitTimeoutMs: 90_000 });
    expect(result.error).toBeUndefined();
  });

  it('the snapshot holds the sink’s committed offsets', async () => {
    await replayChanges(inserts('gitops-a', 20), { bootstrapServers: runtime.kafka.bootstrapServers, topicPrefix: environment.topicPrefix, partitions: 2 });
    await reachesCount('20 rows of batch a', rowCount, 20);
    await reachesCount('offsets to reach 20', committed, 20);
    const exported = cdcctl('connectors', 'offsets', 'export', '--file', snapshotFile);
    expect(exported.code).toBe(0);
    const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8'));
    const offsets = snapshot.connectors[SINK].offsets as Array<{ partition: { kafka_topic: string }; offset: { kafka_offset: number } }>;
    expect(offsets.filter((entry) => entry.partition.kafka_topic === TOPIC).reduce((sum, entry) => sum + entry.offset.kafka_offset, 0)).toBe(20);
  });

  it('a snapshot that does not match the connector is refused and nothing is touched', async () => {
    const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8'));
    snapshot.connectors[SINK].config['connector.class'] = 'com.mongodb.kafka.connect.MongoSinkConnector';
    const wrong = path.join(output, 'offsets-wrong-class.json');
    writeFileSync(wrong, JSON.stringify(snapshot));
    const refused = cdcctl('connectors', 'offsets', 'restore', wrong, '--connector', SINK);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${SINK}: connector.class: the snapshot was taken from "com.mongodb.kafka.connect.MongoSinkConnector"`);
    expect((await client.status(SINK)).connector.state).toBe('RUNNING');
  });

  it('after a restore the consumer reads again from the snapshot: rows deleted since come back', async () => {
    await replayChanges(inserts('gitops-b', 15), { bootstrapServers: runtime.kafka.bootstrapServers, topicPrefix: environment.topicPrefix, partitions: 2 });
    await reachesCount('35 rows after batch b', rowCount, 35);
    await reachesCount('offsets to move on to 35', committed, 35);
    // Behind the sink's back: only re-reading batch b can bring these rows back.
    // (The table's guard keeps rows no delete event marked, so its triggers are off for this one statement.)
    await warehouse.query("BEGIN; ALTER TABLE gitops_orders DISABLE TRIGGER USER; DELETE FROM gitops_orders WHERE _id LIKE 'gitops-b-%'; ALTER TABLE gitops_orders ENABLE TRIGGER USER; COMMIT");
    expect(await rowCount()).toBe(20);

    const restored = cdcctl('connectors', 'offsets', 'restore', snapshotFile, '--connector', SINK);
    expect({ code: restored.code, stderr: restored.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('error') });
    expect(restored.stdout).toContain(`restored ${SINK} (sink), now RUNNING`);
    expect((await client.status(SINK)).connector.state).toBe('RUNNING');
    await reachesCount('batch b to be written again', rowCount, 35);
    await reachesCount('offsets to move on to 35 again', committed, 35);
  });

  it('a stopped connector stays stopped, with exactly the snapshot’s offsets', async () => {
    await client.stop(SINK);
    await waitFor(`${SINK} to stop`, async () => ((await client.status(SINK)).connector.state === 'STOPPED' ? true : undefined), 60_000, 250);
    const restored = cdcctl('connectors', 'offsets', 'restore', snapshotFile, '--connector', SINK);
    expect({ code: restored.code, stderr: restored.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('error') });
    const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8'));
    const sortByPartition = (entries: Array<{ partition: Record<string, unknown> }>) => [...entries].sort((a, b) => Number(a.partition.kafka_partition) - Number(b.partition.kafka_partition));
    const live = (await client.getOffsets(SINK)).offsets.filter((entry) => entry.partition.kafka_topic === TOPIC);
    expect(sortByPartition(live)).toEqual(sortByPartition(snapshot.connectors[SINK].offsets));
    expect((await client.status(SINK)).connector.state).toBe('STOPPED');
  });
});

describe('stacks: the saved plan and its apply through the same functions as the workflow', () => {
  /** A synthesized project as `npm run synth` leaves it: a manifest, one stack folder. */
  function project(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitops-stacks-'));
    const stackDir = path.join(dir, 'cdktf.out/stacks/demo-local');
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(
      path.join(dir, 'cdktf.out/manifest.json'),
      JSON.stringify({ version: '0.21.0', stacks: { 'demo-local': { name: 'demo-local', constructPath: 'demo-local', synthesizedStackPath: 'stacks/demo-local/cdk.tf.json', workingDirectory: 'stacks/demo-local', annotations: [], dependencies: [] } } }),
    );
    writeFileSync(
      path.join(stackDir, 'cdk.tf.json'),
      JSON.stringify({
        '//': { metadata: { backend: 'local', stackName: 'demo-local', version: '0.21.0' }, outputs: {} },
        terraform: { backend: { local: { path: path.join(dir, 'state/demo-local.tfstate') } } },
        resource: { terraform_data: { first: { input: 'one' }, second: { input: 'two' } } },
      }),
    );
    return dir;
  }

  let dir: string;
  beforeAll(() => {
    dir = project();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plans a stack with the real Terraform, applies the saved plan, and the next plan is empty', async () => {
    const before = await planEnvironmentStacks('local', { projectDir: dir });
    expect(before.failures).toEqual([]);
    expect(before.summaries.map((summary) => [summary.stack, summary.add, summary.change, summary.destroy])).toEqual([['demo-local', 2, 0, 0]]);
    expect(before.markdown).toContain('| `demo-local` | 2 | 0 | 0 |');
    expect(before.exitCode).toBe(2);
    expect(await applyEnvironmentStacks('local', { projectDir: dir, echo: false })).toEqual({ stacks: ['demo-local'] });
    const after = await planEnvironmentStacks('local', { projectDir: dir });
    expect(after.summaries.map((summary) => summary.add + summary.change + summary.destroy)).toEqual([0]);
    expect(after.exitCode).toBe(0);
  });
});
