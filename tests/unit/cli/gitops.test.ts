import { buildProgram } from '../../../cli/cdcctl';
import { planExitCode } from '../../../cli/commands/gitops';
import { loadEnvironment } from '../../../config';
import { renderEnvironment } from '../../../connectors/render';
import { generatedSecret } from '../../support/generated-secret';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-http-server';
import { runCdcctl } from './run-cdcctl';

describe('cdcctl gitops', () => {
  const gitops = buildProgram().commands.find((command) => command.name() === 'gitops')!;

  it('lists every step the workflows run', () => {
    expect(gitops.commands.map((command) => command.name()).sort()).toEqual(['connectors-plan', 'drift', 'health', 'pr-comment', 'render', 'stacks-apply', 'stacks-plan', 'validate']);
  });

  it('says in its help what each step does', () => {
    const help = gitops.helpInformation();
    for (const command of gitops.commands) expect(help).toContain(command.name());
    expect(gitops.commands.every((command) => command.description().length > 20)).toBe(true);
  });
});

describe('the GitOps plan steps\' exit codes', () => {
  it('fail the job on an error always; on changes only when asked for terraform\'s detailed exit code (the drift jobs)', () => {
    expect(planExitCode(1, false)).toBe(1);
    expect(planExitCode(1, true)).toBe(1);
    expect(planExitCode(2, true)).toBe(2);
    expect(planExitCode(2, false)).toBe(0);
    expect(planExitCode(0, true)).toBe(0);
  });
});

describe('cdcctl gitops drift --output json', () => {
  let worker: ScriptedServer;
  const local = renderEnvironment(loadEnvironment('local'));
  const secret = generatedSecret('password');

  beforeEach(async () => {
    worker = await startScriptedServer();
  });
  afterEach(() => worker.close());

  it('names each drifted connector, its kind and its fields, with no value (a live value may be a literal secret), and exits 2', async () => {
    const [first, ...rest] = local;
    const live = Object.fromEntries(
      rest.map((connector) => [
        connector.name,
        {
          info: { name: connector.name, config: { ...connector.config, name: connector.name, ...(connector === rest[0] ? { 'connection.password': secret } : {}) }, tasks: [{ connector: connector.name, task: 0 }], type: connector.role },
          status: { name: connector.name, connector: { state: 'RUNNING', worker_id: 'w' }, tasks: [{ id: 0, state: 'RUNNING', worker_id: 'w' }], type: connector.role },
        },
      ]),
    );
    worker.script('GET /connectors?expand=info&expand=status', { status: 200, body: live });
    const result = await runCdcctl(['gitops', 'drift', '--env', 'local', '--connect-url', worker.url, '--output', 'json']);
    expect(result.code).toBe(2);
    expect(result.stdout).not.toContain(secret);
    const report = JSON.parse(result.stdout) as { environment: string; drift: boolean; drifted: { connector: string; kind: string; fields: string[] }[] };
    expect(report).toMatchObject({ environment: 'local', drift: true });
    expect(report.drifted).toEqual(expect.arrayContaining([{ connector: first!.name, kind: 'missing', fields: [] }, { connector: rest[0]!.name, kind: 'config', fields: ['connection.password'] }]));
  });
});

describe('cdcctl gitops health --output json', () => {
  it('says what it waited for when the worker does not get there in time, then fails the step', async () => {
    const worker = await startScriptedServer({ status: 200, body: {} });
    try {
      const result = await runCdcctl(['gitops', 'health', '--env', 'local', '--connect-url', worker.url, '--settle-seconds', '0', '--timeout-seconds', '1', '--output', 'json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as { environment: string; healthy: boolean; failed: string[]; waiting: string[]; converged: boolean };
      expect(report).toMatchObject({ environment: 'local', healthy: false, failed: [], converged: false });
      expect(result.stderr).toContain('local is not healthy after the apply');
    } finally {
      worker.close();
    }
  });
});
