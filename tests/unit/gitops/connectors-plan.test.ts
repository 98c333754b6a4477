import { loadEnvironment, type Environment } from '../../../config';
import type { ConnectClient, LiveConnector } from '../../../connectors/connect/client';
import { definePipeline } from '../../../connectors/pipelines';
import { renderEnvironment, type RenderedConnector } from '../../../connectors/render';
import { planEnvironment, sectionTitle } from '../../../gitops/connectors-plan';

/**
 * The connectors-plan section of a pull-request comment, against a stand-in of the worker (the
 * client's one read, listConnectors): a plan made, and each way a plan cannot be made.
 */
const staging = loadEnvironment('staging');

function standInWorker(live: readonly LiveConnector[]): ConnectClient {
  return { url: staging.connect.url, listConnectors: async () => [...live] } as unknown as ConnectClient;
}

function unreachableWorker(message: string): ConnectClient {
  return { url: staging.connect.url, listConnectors: async () => Promise.reject(new Error(message)) } as unknown as ConnectClient;
}

/** The worker right after a successful apply of `connectors`. */
function liveFrom(connectors: readonly RenderedConnector[]): LiveConnector[] {
  return connectors.map((connector) => ({
    name: connector.name,
    config: { ...connector.config, name: connector.name },
    taskCount: 1,
    status: { name: connector.name, connector: { state: connector.state }, tasks: [{ id: 0, state: connector.state }] },
  }));
}

const payments = definePipeline({ name: 'payments', description: 'card payments', database: 'pay_db', collection: 'payments', table: 'payments', owner: 'bi' });

/** `count` collections of one database, each a pipeline of its own (a sink each, one source). */
function regionalOrders(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const name = `orders_region_${String(index + 1).padStart(2, '0')}`;
    return definePipeline({ name, description: 'orders of one sales region', database: 'shop', collection: name, table: name, owner: 'bi' });
  });
}

/** Every sink of this environment refuses its batch size: one invalid field per pipeline. */
const zeroBatch: Environment = { ...staging, sink: { ...staging.sink, batchSize: 0 } };

describe('connectors-plan: a plan made', () => {
  it('titles the section after the environment', () => {
    expect(sectionTitle('production')).toBe('Connectors plan: production');
  });

  it('exits 0 with no changes when the worker runs what main defines, and says so in text and Markdown', async () => {
    const report = await planEnvironment(staging, { client: standInWorker(liveFrom(renderEnvironment(staging))) });
    expect(report).toMatchObject({ environment: 'staging', exitCode: 0, problems: [] });
    expect(report.plan?.changes.every((change) => change.action === 'none')).toBe(true);
    expect(report.text.split('\n')[0]).toBe('Connectors plan: staging');
    expect(report.text.endsWith('Plan: no changes.')).toBe(true);
    expect(report.markdown.startsWith('### Connectors plan: staging\n\n**no changes** · exit code 0\n')).toBe(true);
    expect(report.markdown.endsWith('\n\n')).toBe(true);
  });

  it('exits 2 when a connector is to be created, in plain text (no colour codes in a CI log)', async () => {
    const report = await planEnvironment(staging, { client: standInWorker([]) });
    expect(report.exitCode).toBe(2);
    expect(report.text).toContain('\n+ cdc-orders-sink (create)\n');
    expect(report.text).not.toContain('\u001b[');
    expect(report.markdown).toContain('· exit code 2');
  });

  it('plans only the pipelines it is given', async () => {
    const report = await planEnvironment(staging, { pipelines: [payments], client: standInWorker([]) });
    expect(report.plan?.changes.map((change) => change.connector)).toEqual(['cdc-pay-db-source', 'cdc-payments-sink']);
  });

  it('plans the delete of a managed connector main no longer defines only with prune', async () => {
    const live = [...liveFrom(renderEnvironment(staging)), { name: 'cdc-returns-sink', config: { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector' }, taskCount: 1 }];
    const kept = await planEnvironment(staging, { client: standInWorker(live) });
    expect(kept.plan?.orphaned).toEqual(['cdc-returns-sink']);
    const pruned = await planEnvironment(staging, { client: standInWorker(live), prune: true });
    expect(pruned.plan?.changes.find((change) => change.connector === 'cdc-returns-sink')?.action).toBe('delete');
    expect(pruned.exitCode).toBe(2);
  });
});

describe('connectors-plan: no plan, and a section that says why', () => {
  it('names every invalid field and asks nothing of the worker', async () => {
    const worker = { url: staging.connect.url, listConnectors: jest.fn(async () => []) } as unknown as ConnectClient;
    const report = await planEnvironment(zeroBatch, { pipelines: regionalOrders(2), client: worker });
    expect(worker.listConnectors).not.toHaveBeenCalled();
    expect(report.exitCode).toBe(1);
    expect(report.plan).toBeUndefined();
    expect(report.problems).toEqual(['cdc-orders_region_01-sink: batch.size: must be an integer ≥ 1 (got "0")', 'cdc-orders_region_02-sink: batch.size: must be an integer ≥ 1 (got "0")']);
    expect(report.text).toBe(
      ['Connectors plan: staging: 2 invalid fields: no plan was made', '  cdc-orders_region_01-sink: batch.size: must be an integer ≥ 1 (got "0")', '  cdc-orders_region_02-sink: batch.size: must be an integer ≥ 1 (got "0")'].join('\n'),
    );
    expect(report.markdown).toBe(
      [
        '### Connectors plan: staging',
        '',
        '**no plan** · exit code 1',
        '',
        '> [!CAUTION]',
        '> 2 invalid fields: no plan was made',
        '',
        '```',
        'cdc-orders_region_01-sink: batch.size: must be an integer ≥ 1 (got "0")',
        'cdc-orders_region_02-sink: batch.size: must be an integer ≥ 1 (got "0")',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('says "1 invalid field" for one', async () => {
    const report = await planEnvironment(zeroBatch, { pipelines: regionalOrders(1), client: standInWorker([]) });
    expect(report.text.split('\n')[0]).toBe('Connectors plan: staging: 1 invalid field: no plan was made');
  });

  it('shows at most 50 problems: all 50 at exactly the limit, then the first 50 and how many more', async () => {
    const atLimit = await planEnvironment(zeroBatch, { pipelines: regionalOrders(50), client: standInWorker([]) });
    expect(atLimit.text.split('\n')).toHaveLength(51);
    expect(atLimit.text).not.toContain('more');
    const over = await planEnvironment(zeroBatch, { pipelines: regionalOrders(52), client: standInWorker([]) });
    expect(over.problems).toHaveLength(52);
    const lines = over.text.split('\n');
    expect(lines).toHaveLength(52);
    expect(lines[50]).toBe('  cdc-orders_region_50-sink: batch.size: must be an integer ≥ 1 (got "0")');
    expect(lines[51]).toBe('  … and 2 more');
    expect(over.markdown).toContain('\n… and 2 more\n```\n');
  });

  it('says the connectors could not be rendered when rendering throws', async () => {
    const unserializable = definePipeline({ ...payments, changeCondition: { 'fullDocument.amount': { $gt: 10n } } as never });
    const report = await planEnvironment(staging, { pipelines: [unserializable], client: standInWorker([]) });
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual(['Do not know how to serialize a BigInt']);
    expect(report.text).toBe('Connectors plan: staging: the connectors could not be rendered\n  Do not know how to serialize a BigInt');
  });

  it('names the worker it could not read (password masked) and shows what the worker answered, capped at 500 characters', async () => {
    const page = `GET /connectors?expand=info&expand=status: 502 Bad Gateway <html><body>${'upstream connect error or disconnect/reset before headers. '.repeat(10)}</body></html>`;
    const withPassword: Environment = { ...staging, connect: { ...staging.connect, url: 'https://cdc-operator:not-a-real-password@kafka-connect.cdc-platform.svc.cluster.local:8083' } };
    const report = await planEnvironment(withPassword, { client: unreachableWorker(page) });
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual([page]);
    const [what, shown, ...rest] = report.text.split('\n');
    expect(what).toBe('Connectors plan: staging: the worker at https://cdc-operator:****@kafka-connect.cdc-platform.svc.cluster.local:8083 could not be read');
    expect(rest).toEqual([]);
    expect(shown).toBe(`  ${page.slice(0, 500)}… (${page.length - 500} more characters not shown)`);
    expect(report.markdown).toContain('> the worker at https://cdc-operator:****@kafka-connect.cdc-platform.svc.cluster.local:8083 could not be read\n');
    expect(report.markdown).not.toContain('not-a-real-password');
  });
});
