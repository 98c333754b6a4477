import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENVIRONMENT_NAMES, loadAllEnvironments } from '../../../config';
import { renderEnvironment, toConnectJson, type RenderedConnector } from '../../../connectors/render';
import { renderAll, renderErrors, writeRendered, type EnvironmentRender } from '../../../gitops/render-all';
import { generatedSecret } from '../../support/generated-secret';

/**
 * `cdcctl gitops validate` and `gitops render` in process: every environment through the gate in one
 * pass, every error of every environment on its own line, and the rendered bodies written as the CI
 * artifact (a connector removed from the definitions does not linger in it, credentials masked).
 */

const environments = loadAllEnvironments();

describe('renderAll', () => {
  it('renders every environment, in order, as render does for each, and the shipped definitions pass the gate', () => {
    const results = renderAll(environments);
    expect(results.map((result) => result.environment)).toEqual([...ENVIRONMENT_NAMES]);
    results.forEach((result, index) => expect(result.connectors).toEqual(renderEnvironment(environments[index]!)));
    expect(results.flatMap((result) => result.issues)).toStrictEqual([]);
  });
});

describe('renderErrors', () => {
  const sink = 'bi-orders-sink';
  const results: EnvironmentRender[] = [
    {
      environment: 'staging',
      connectors: [],
      issues: [
        { connector: sink, field: 'batch.size', message: 'must be at most 10000', value: '50000', severity: 'error' },
        { connector: sink, field: 'insert.mode', message: 'upsert without primary.key.mode', severity: 'warning' },
      ],
    },
    { environment: 'production', connectors: [], issues: [{ connector: 'shop-source', field: 'topic.prefix', message: 'is required', severity: 'error' }] },
    { environment: 'local', connectors: [], issues: [] },
  ];

  it('gives each error of every environment one line, named by its environment, and no warning', () => {
    expect(renderErrors(results)).toEqual([
      'staging: bi-orders-sink: batch.size: must be at most 10000 (got "50000")',
      'production: shop-source: topic.prefix: is required',
    ]);
  });
});

describe('writeRendered', () => {
  let out: string;

  beforeEach(() => {
    out = path.join(mkdtempSync(path.join(tmpdir(), 'gitops-render-')), 'rendered');
  });

  afterEach(() => rmSync(path.dirname(out), { recursive: true, force: true }));

  it('writes <environment>/<connector>.json, the exact body Connect takes, and drops a connector no longer defined', async () => {
    mkdirSync(path.join(out, 'staging'), { recursive: true });
    writeFileSync(path.join(out, 'staging', 'retired-legacy-sink.json'), '{}');
    const results = renderAll(environments);
    await writeRendered(results, out);
    expect(readdirSync(out).sort()).toEqual([...ENVIRONMENT_NAMES].sort());
    expect(existsSync(path.join(out, 'staging', 'retired-legacy-sink.json'))).toBe(false);
    for (const result of results) {
      expect(readdirSync(path.join(out, result.environment)).sort()).toEqual(result.connectors.map((connector) => `${connector.name}.json`).sort());
      for (const connector of result.connectors) expect(readFileSync(path.join(out, result.environment, `${connector.name}.json`), 'utf8')).toBe(toConnectJson(connector));
    }
  });

  it('masks a credential a rendered config carries before the file leaves the runner', async () => {
    const password = generatedSecret('password');
    const connector: RenderedConnector = {
      name: 'bi-orders-sink',
      role: 'sink',
      state: 'RUNNING',
      pipelines: ['orders'],
      config: { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', 'connection.url': `jdbc:postgresql://bi.internal:5432/bi?user=cdc&password=${password}` },
    };
    await writeRendered([{ environment: 'staging', connectors: [connector], issues: [] }], out);
    const written = readFileSync(path.join(out, 'staging', 'bi-orders-sink.json'), 'utf8');
    expect(written).not.toContain(password);
    expect(written).toContain('jdbc:postgresql://bi.internal:5432/bi?user=cdc&password=');
  });
});
