import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildProgram } from '../../../cli/cdcctl';
import { planExitCode, validateAndRender } from '../../../cli/commands/gitops';
import type { EnvironmentRender } from '../../../gitops/render-all';
import { ENVIRONMENT_NAMES, loadEnvironment } from '../../../config';
import { renderEnvironment } from '../../../connectors/render';
import { generatedSecret } from '../../support/generated-secret';
import { startScriptedServer, type ScriptedServer } from '../../support/scripted-http-server';
import { startFakeGitHubApi } from '../gitops/fake-github-api';
import { runCdcctl } from './run-cdcctl';

describe('cdcctl gitops', () => {
  // The program is built inside each test: its help is what the user reads when the test runs.
  const gitopsCommand = () => buildProgram().commands.find((command) => command.name() === 'gitops')!;

  it('lists every step the workflows run', () => {
    expect(gitopsCommand().commands.map((command) => command.name()).sort()).toEqual(['connectors-plan', 'drift', 'health', 'pr-comment', 'render', 'stacks-apply', 'stacks-plan', 'validate']);
  });

  it('says in its help what each step does', () => {
    const gitops = gitopsCommand();
    expect(gitops.description()).toBe('the steps of the GitOps workflows: validate, render, plan, comment, health, drift, stacks');
    const help = gitops.helpInformation();
    for (const command of gitops.commands) expect(help).toContain(command.name());
    expect(gitops.commands.every((command) => command.description().length > 20)).toBe(true);
  });

  it('describes every flag of every step, with the defaults the workflows rely on', () => {
    const gitops = gitopsCommand();
    const flags = gitops.commands.flatMap((command) => command.options.map((option) => ({ step: command.name(), flag: option.long, description: option.description })));
    expect(flags.filter((flag) => flag.description.length < 10)).toEqual([]);
    expect(flags.map((flag) => `${flag.step} ${flag.flag}`).sort()).toEqual([
      'connectors-plan --connect-url', 'connectors-plan --detailed-exitcode', 'connectors-plan --env', 'connectors-plan --out', 'connectors-plan --prune',
      'drift --connect-url', 'drift --env', 'drift --output',
      'health --connect-url', 'health --env', 'health --output', 'health --poll-seconds', 'health --settle-seconds', 'health --timeout-seconds',
      'pr-comment --artifact', 'pr-comment --dry-run', 'pr-comment --marker', 'pr-comment --out', 'pr-comment --sections', 'pr-comment --title',
      'render --out',
      'stacks-apply --env',
      'stacks-plan --detailed-exitcode', 'stacks-plan --env', 'stacks-plan --out',
    ]);
    const health = gitops.commands.find((command) => command.name() === 'health')!;
    expect(health.options.map((option) => [option.long, option.defaultValue])).toEqual(expect.arrayContaining([['--settle-seconds', '30'], ['--timeout-seconds', '300'], ['--poll-seconds', '2'], ['--output', 'markdown']]));
    const stacksPlan = gitops.commands.find((command) => command.name() === 'stacks-plan')!;
    expect(stacksPlan.options.find((option) => option.long === '--env')?.mandatory).toBe(true);
    expect(stacksPlan.options.find((option) => option.long === '--env')?.description).toBe('environment whose stacks (<stack>-<env>) are planned');
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
      const result = await runCdcctl(['gitops', 'health', '--env', 'local', '--connect-url', worker.url, '--settle-seconds', '0', '--timeout-seconds', '1', '--poll-seconds', '0.05', '--output', 'json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as { environment: string; healthy: boolean; failed: string[]; waiting: string[]; converged: boolean };
      expect(report).toMatchObject({ environment: 'local', healthy: false, failed: [], converged: false });
      expect(result.stderr).toContain('local is not healthy after the apply');
    } finally {
      worker.close();
    }
  });
});

/**
 * Each GitOps step in this process (runCdcctl), against a scripted stand-in of the local worker's
 * REST API: what the step prints, the files it leaves for later steps and its exit code.
 */
type LiveChange = (name: string) => { config?: Record<string, string>; connectorState?: string; tasks?: { id: number; state: string; worker_id: string; trace?: string }[] };

/** `GET /connectors?expand=info&expand=status` as a worker answers it, each local connector running what main defines unless `change` says otherwise. */
function expandedConnectors(change: LiveChange = () => ({})) {
  return Object.fromEntries(
    renderEnvironment(loadEnvironment('local')).map((connector) => {
      const changed = change(connector.name);
      return [
        connector.name,
        {
          info: { name: connector.name, config: { ...connector.config, name: connector.name, ...changed.config }, tasks: [{ connector: connector.name, task: 0 }], type: connector.role },
          status: { name: connector.name, connector: { state: changed.connectorState ?? 'RUNNING', worker_id: '127.0.0.1:8083' }, tasks: changed.tasks ?? [{ id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083' }], type: connector.role },
        },
      ];
    }),
  );
}

const LIST = 'GET /connectors?expand=info&expand=status';
const ordersSinkFailed: LiveChange = (name) =>
  name === 'cdc-orders-sink' ? { tasks: [{ id: 0, state: 'FAILED', worker_id: '127.0.0.1:8083', trace: 'org.apache.kafka.connect.errors.ConnectException: org.postgresql.util.PSQLException: Connection to 127.0.0.1:5432 refused.\n\tat io.debezium.connector.jdbc.JdbcSinkConnectorTask.put(JdbcSinkConnectorTask.java:120)' }] } : {};
const ordersSinkBatchSize: LiveChange = (name) => (name === 'cdc-orders-sink' ? { config: { 'batch.size': '555' } } : {});
const ordersSinkWithoutTasks: LiveChange = (name) => (name === 'cdc-orders-sink' ? { tasks: [] } : {});

function scratchDirectory(): string {
  return mkdtempSync(path.join(tmpdir(), 'cdcctl-gitops-'));
}

/** Runs `body` with these environment variables set (undefined: unset), then puts them back. */
async function withVariables<T>(variables: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const assign = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  assign(variables);
  try {
    return await body();
  } finally {
    assign(saved);
  }
}

/** Runs `body` in `directory`, where the steps' default output paths (relative) then land. */
async function inDirectory<T>(directory: string, body: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(directory);
  try {
    return await body();
  } finally {
    process.chdir(previous);
  }
}

const NO_ACTIONS_CONTEXT = { GITHUB_STEP_SUMMARY: undefined, GITHUB_SHA: undefined, GITHUB_SERVER_URL: undefined, GITHUB_REPOSITORY: undefined, GITHUB_RUN_ID: undefined, GITHUB_EVENT_PATH: undefined, GITHUB_TOKEN: undefined, GITHUB_API_URL: undefined };

describe('cdcctl gitops validate and render', () => {
  const counts = () => ENVIRONMENT_NAMES.map((name) => `${name} ${renderEnvironment(loadEnvironment(name)).length}`).join(', ');

  it('validate checks every environment, names each with its connector count, writes nothing and exits 0', async () => {
    const directory = scratchDirectory();
    const result = await inDirectory(directory, () => runCdcctl(['gitops', 'validate']));
    expect(result).toMatchObject({ code: 0, stdout: `connectors valid in every environment (${counts()})\n` });
    expect(readdirSync(directory)).toEqual([]);
  });

  it('render writes <out>/<environment>/<connector>.json for every environment and says where', async () => {
    const out = path.join(scratchDirectory(), 'rendered');
    const result = await runCdcctl(['gitops', 'render', '--out', out]);
    expect(result).toMatchObject({ code: 0, stdout: `rendered ${counts()} connectors to ${out}\n` });
    const ordersSink = renderEnvironment(loadEnvironment('staging')).find((connector) => connector.name === 'cdc-orders-sink')!;
    expect(JSON.parse(readFileSync(path.join(out, 'staging', 'cdc-orders-sink.json'), 'utf8'))).toEqual({ name: 'cdc-orders-sink', config: ordersSink.config });
    expect(readdirSync(out).sort()).toEqual([...ENVIRONMENT_NAMES].sort());
  });

  it('render writes to .local/gitops/rendered by default', async () => {
    const directory = scratchDirectory();
    const result = await inDirectory(directory, () => runCdcctl(['gitops', 'render']));
    expect(result.stdout).toMatch(/ connectors to \.local\/gitops\/rendered\n$/);
    expect(existsSync(path.join(directory, '.local/gitops/rendered/local/cdc-orders-sink.json'))).toBe(true);
  });
});

describe('gitops validate: what a definition that draws a finding prints', () => {
  const deprecatedPostProcessor = { connector: 'cdc-orders-sink', field: 'post.processor.chain', severity: 'warning', message: 'names deprecated processors: com.mongodb.kafka.connect.sink.processor.BlacklistValueProjector' } as const;
  const batchTooLarge = { connector: 'cdc-orders-sink', field: 'batch.size', severity: 'error', message: 'must be an integer ≥ 1', value: '0' } as const;
  const noPollInterval = { connector: 'cdc-app-db-source', field: 'poll.interval.ms', severity: 'error', message: 'must be an integer ≥ 1', value: '0' } as const;
  const render = (...issuesByEnvironment: (readonly EnvironmentRender['issues'][number][])[]) => () =>
    issuesByEnvironment.map((issues, index): EnvironmentRender => ({ environment: ['local', 'staging', 'production'][index]!, connectors: [], issues }));

  let output: { stdout: string; stderr: string };
  let spies: jest.SpyInstance[];
  beforeEach(() => {
    output = { stdout: '', stderr: '' };
    spies = (['stdout', 'stderr'] as const).map((stream) =>
      jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
        output[stream] += String(chunk);
        return true;
      }),
    );
  });
  afterEach(() => spies.forEach((spy) => spy.mockRestore()));

  it('prints a warning with its environment on stderr, and still passes', async () => {
    await validateAndRender(undefined, render([], [deprecatedPostProcessor]));
    expect(output.stderr).toBe('warning: staging: cdc-orders-sink: post.processor.chain: names deprecated processors: com.mongodb.kafka.connect.sink.processor.BlacklistValueProjector\n');
    expect(output.stdout).toBe('connectors valid in every environment (local 0, staging 0)\n');
  });

  it('prints each error on its own line after the warnings, writes nothing and fails with the count of one field', async () => {
    await expect(validateAndRender(undefined, render([deprecatedPostProcessor, batchTooLarge], []))).rejects.toThrow(/^1 invalid field across 2 environments$/);
    expect(output.stderr).toBe(
      'warning: local: cdc-orders-sink: post.processor.chain: names deprecated processors: com.mongodb.kafka.connect.sink.processor.BlacklistValueProjector\nlocal: cdc-orders-sink: batch.size: must be an integer ≥ 1 (got "0")\n',
    );
    expect(output.stdout).toBe('');
  });

  it('counts the invalid fields of every environment together, in the plural', async () => {
    await expect(validateAndRender(undefined, render([], [batchTooLarge], [noPollInterval]))).rejects.toThrow(/^2 invalid fields across 3 environments$/);
    expect(output.stderr).toBe('staging: cdc-orders-sink: batch.size: must be an integer ≥ 1 (got "0")\nproduction: cdc-app-db-source: poll.interval.ms: must be an integer ≥ 1 (got "0")\n');
  });
});

describe('cdcctl gitops connectors-plan', () => {
  let worker: ScriptedServer;
  beforeEach(async () => {
    worker = await startScriptedServer();
  });
  afterEach(() => worker.close());

  it('writes the Markdown section and the step summary, prints the plan, and exits 0 on changes unless --detailed-exitcode', async () => {
    const directory = scratchDirectory();
    const out = path.join(directory, 'sections', 'local.md');
    const summary = path.join(directory, 'summary.md');
    worker.script(LIST, { status: 200, body: expandedConnectors(ordersSinkBatchSize) }, { status: 200, body: expandedConnectors(ordersSinkBatchSize) });
    const result = await withVariables({ ...NO_ACTIONS_CONTEXT, GITHUB_STEP_SUMMARY: summary }, () => runCdcctl(['gitops', 'connectors-plan', '--env', 'local', '--connect-url', worker.url, '--out', out]));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Connectors plan: local\n');
    expect(result.stdout).toContain('~ cdc-orders-sink (update)\n    batch.size: "555" → "1000"\n');
    expect(result.stdout.endsWith('Plan: 1 to update.\n')).toBe(true);
    expect(result.stderr).toBe(`section written to ${out}\n`);
    const section = readFileSync(out, 'utf8');
    expect(section.startsWith('### Connectors plan: local\n\n**1 to update** · exit code 2\n')).toBe(true);
    expect(readFileSync(summary, 'utf8')).toBe(`${section}\n`);
    const detailed = await withVariables(NO_ACTIONS_CONTEXT, () => runCdcctl(['gitops', 'connectors-plan', '--env', 'local', '--connect-url', worker.url, '--out', out, '--detailed-exitcode']));
    expect(detailed.code).toBe(2);
  });

  it('plans the delete of a managed connector main no longer defines only with --prune', async () => {
    const live = { ...expandedConnectors(), 'cdc-returns-sink': { info: { name: 'cdc-returns-sink', config: { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector', name: 'cdc-returns-sink' }, tasks: [], type: 'sink' }, status: { name: 'cdc-returns-sink', connector: { state: 'RUNNING', worker_id: '127.0.0.1:8083' }, tasks: [], type: 'sink' } } };
    worker.script(LIST, { status: 200, body: live }, { status: 200, body: live });
    const out = path.join(scratchDirectory(), 'local.md');
    const kept = await withVariables(NO_ACTIONS_CONTEXT, () => runCdcctl(['gitops', 'connectors-plan', '--env', 'local', '--connect-url', worker.url, '--out', out, '--detailed-exitcode']));
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('managed but no longer defined (kept; --prune deletes them): cdc-returns-sink');
    const pruned = await withVariables(NO_ACTIONS_CONTEXT, () => runCdcctl(['gitops', 'connectors-plan', '--env', 'local', '--connect-url', worker.url, '--out', out, '--detailed-exitcode', '--prune']));
    expect(pruned.code).toBe(2);
    expect(pruned.stdout).toContain('- cdc-returns-sink (delete)');
  });

  it('writes .local/gitops/connectors-plan/<env>.md by default, and exits 1 with a section saying why when the worker cannot be read', async () => {
    worker.script(LIST, { status: 500, body: { error_code: 500, message: 'Request timed out' } }, { status: 500, body: { error_code: 500, message: 'Request timed out' } }, { status: 500, body: { error_code: 500, message: 'Request timed out' } }, { status: 500, body: { error_code: 500, message: 'Request timed out' } });
    const directory = scratchDirectory();
    const result = await withVariables({ ...NO_ACTIONS_CONTEXT, CDCCTL_RETRIES: '0' }, () => inDirectory(directory, () => runCdcctl(['gitops', 'connectors-plan', '--env', 'local', '--connect-url', worker.url])));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('section written to .local/gitops/connectors-plan/local.md\n');
    expect(result.stdout.startsWith(`Connectors plan: local: the worker at ${worker.url} could not be read\n`)).toBe(true);
    expect(readFileSync(path.join(directory, '.local/gitops/connectors-plan/local.md'), 'utf8')).toContain('**no plan** · exit code 1');
  });
});

describe('cdcctl gitops pr-comment', () => {
  function sections(): string {
    const directory = scratchDirectory();
    writeFileSync(path.join(directory, 'staging.md'), '### Connectors plan: staging\n\n**no changes** · exit code 0\n');
    writeFileSync(path.join(directory, 'production.md'), '### Connectors plan: production\n\n**1 to update** · exit code 2\n');
    return directory;
  }

  it('--dry-run prints the joined comment with its marker, title and artifacts, writes it to --out, and posts nothing', async () => {
    const out = path.join(scratchDirectory(), 'comment.md');
    const result = await withVariables(NO_ACTIONS_CONTEXT, () =>
      runCdcctl(['gitops', 'pr-comment', '--marker', 'connectors-plan', '--title', 'Connectors plan', '--sections', sections(), '--artifact', 'connectors-plan-staging', 'connectors-plan-production', '--out', out, '--dry-run']),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('connectors-plan');
    expect(result.stdout).toContain('Connectors plan');
    expect(result.stdout).toContain('### Connectors plan: staging');
    expect(result.stdout).toContain('### Connectors plan: production');
    expect(result.stdout).toContain('connectors-plan-staging');
    expect(readFileSync(out, 'utf8')).toBe(result.stdout);
  });

  it('outside a pull request, without --dry-run, fails and says to use it', async () => {
    const result = await withVariables(NO_ACTIONS_CONTEXT, () => runCdcctl(['gitops', 'pr-comment', '--marker', 'connectors-plan', '--title', 'Connectors plan', '--sections', sections()]));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('GITHUB_EVENT_PATH: not a pull-request event (got no event file); use --dry-run outside a pull request');
  });

  it('in a pull request, creates the comment and prints its address (against a fake of the GitHub API)', async () => {
    const token = generatedSecret('token');
    const github = await startFakeGitHubApi({ repository: 'acme/cdc-platform', token });
    try {
      const event = path.join(scratchDirectory(), 'event.json');
      writeFileSync(event, JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7 } }));
      const result = await withVariables({ ...NO_ACTIONS_CONTEXT, GITHUB_TOKEN: token, GITHUB_REPOSITORY: 'acme/cdc-platform', GITHUB_API_URL: github.url, GITHUB_EVENT_PATH: event }, () =>
        runCdcctl(['gitops', 'pr-comment', '--marker', 'connectors-plan', '--title', 'Connectors plan', '--sections', sections()]),
      );
      expect(result.code).toBe(0);
      const [comment] = github.comments.get(7)!;
      expect(result.stdout).toBe(`created comment https://github.example/acme/cdc-platform/pull/1#issuecomment-${comment!.id}\n`);
      expect(comment!.body).toContain('### Connectors plan: production');
    } finally {
      await github.close();
    }
  });
});

describe('cdcctl gitops health', () => {
  let worker: ScriptedServer;
  beforeEach(async () => {
    worker = await startScriptedServer();
  });
  afterEach(() => worker.close());

  // The worker read every 50 ms instead of every 2 s: the waits below take a second, not several.
  const health = (...flags: string[]) => withVariables(NO_ACTIONS_CONTEXT, () => runCdcctl(['gitops', 'health', '--env', 'local', '--connect-url', worker.url, '--poll-seconds', '0.05', ...flags]));

  it.each([
    [['--settle-seconds', '-1'], '--settle-seconds must be a number ≥ 0 (got -1)'],
    [['--settle-seconds', 'half a minute'], '--settle-seconds must be a number ≥ 0 (got half a minute)'],
    [['--timeout-seconds', '0'], '--timeout-seconds must be a number > 0 (got 0)'],
    [['--timeout-seconds', '-5'], '--timeout-seconds must be a number > 0 (got -5)'],
    [['--timeout-seconds', 'Infinity'], '--timeout-seconds must be a number > 0 (got Infinity)'],
    [['--poll-seconds', '0'], '--poll-seconds must be a number > 0 (got 0)'],
    [['--output', 'yaml'], '--output must be one of markdown, json (got yaml)'],
  ])('refuses %j before asking the worker anything', async (flags, message) => {
    const result = await health(...flags);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${message}\n`);
    expect(worker.requests).toEqual([]);
  });

  it('accepts a settle period of 0 and passes a healthy environment at once, with the Markdown verdict and exit 0', async () => {
    worker.script(LIST, { status: 200, body: expandedConnectors() });
    const summary = path.join(scratchDirectory(), 'summary.md');
    const result = await withVariables({ ...NO_ACTIONS_CONTEXT, GITHUB_STEP_SUMMARY: summary }, () => runCdcctl(['gitops', 'health', '--env', 'local', '--connect-url', worker.url, '--settle-seconds', '0']));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('### Connectors health: local\n\n2 connectors in their wanted state for 0 s, nothing left to change.\n\n');
    expect(readFileSync(summary, 'utf8')).toBe(`${result.stdout}\n`);
  });

  it('waits in seconds: healthy from the second read, it settles for the one second asked within the timeout', async () => {
    worker.script(LIST, { status: 200, body: expandedConnectors(ordersSinkWithoutTasks) });
    // A read every 50 ms through the one second of settling: enough healthy answers for all of them.
    worker.script(LIST, ...Array.from({ length: 100 }, () => ({ status: 200, body: expandedConnectors() })));
    const result = await health('--settle-seconds', '1', '--timeout-seconds', '30', '--output', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ environment: 'local', healthy: true, failed: [], waiting: [], converged: true });
    expect(result.stderr).toContain('waiting: cdc-orders-sink: RUNNING (tasks none), wants RUNNING');
    expect(result.stderr).toContain('all 2 connectors healthy; settling');
    const markdown = await (async () => {
      worker.script(LIST, ...Array.from({ length: 100 }, () => ({ status: 200, body: expandedConnectors() })));
      return (await health('--settle-seconds', '1', '--timeout-seconds', '30')).stdout;
    })();
    expect(markdown).toContain('2 connectors in their wanted state for 1 s, nothing left to change.');
  }, 30_000);

  it('fails at once on a FAILED task, naming it in the JSON and in the error line', async () => {
    worker.script(LIST, { status: 200, body: expandedConnectors(ordersSinkFailed) });
    const result = await health('--output', 'json');
    expect(result.code).toBe(1);
    const failed = 'cdc-orders-sink: task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: org.postgresql.util.PSQLException: Connection to 127.0.0.1:5432 refused.';
    const waiting = 'cdc-orders-sink: RUNNING (tasks 0:FAILED), wants RUNNING';
    expect(JSON.parse(result.stdout)).toEqual({ environment: 'local', healthy: false, failed: [failed], waiting: [waiting], converged: true });
    expect(result.stderr).toContain(`error: local is not healthy after the apply: ${failed}; ${waiting}\n`);
  });

  it('when only the live config differs, says so in the error line', async () => {
    worker.script(LIST, ...Array.from({ length: 100 }, () => ({ status: 200, body: expandedConnectors(ordersSinkBatchSize) })));
    const result = await health('--settle-seconds', '0', '--timeout-seconds', '1');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('### Connectors health: local\n\nNot healthy:\n\n- the live state still differs from main (see the plan)\n');
    expect(result.stderr).toContain('error: local is not healthy after the apply: the live state differs from main\n');
  });
});

describe('cdcctl gitops drift', () => {
  let worker: ScriptedServer;
  beforeEach(async () => {
    worker = await startScriptedServer();
  });
  afterEach(() => worker.close());

  const drift = (...flags: string[]) => withVariables(NO_ACTIONS_CONTEXT, () => runCdcctl(['gitops', 'drift', '--env', 'local', '--connect-url', worker.url, ...flags]));

  it('exits 0 and says so when the worker runs what main defines', async () => {
    worker.script(LIST, { status: 200, body: expandedConnectors() });
    const result = await drift();
    expect(result).toMatchObject({ code: 0, stdout: `no drift in local: the worker at ${worker.url} runs what main defines\n` });
  });

  it('exits 2 with each drifted field in the text, and in JSON the state main wants of a connector paused by hand', async () => {
    const pausedByHand: LiveChange = (name) => (name === 'cdc-orders-sink' ? { config: { 'batch.size': '555' }, connectorState: 'PAUSED', tasks: [{ id: 0, state: 'PAUSED', worker_id: '127.0.0.1:8083' }] } : {});
    worker.script(LIST, { status: 200, body: expandedConnectors(pausedByHand) }, { status: 200, body: expandedConnectors(pausedByHand) });
    const text = await drift();
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('\n  cdc-orders-sink: batch.size: live "555", main "1000"\n  cdc-orders-sink: state differs too: main wants RUNNING\n');
    const json = await drift('--output', 'json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ environment: 'local', drift: true, drifted: [{ connector: 'cdc-orders-sink', kind: 'config', fields: ['batch.size'], wantedState: 'RUNNING' }] });
  });

  it('exits 1 when the worker cannot be read, and JSON says there is no drift to report', async () => {
    const timedOut = { status: 500, body: { error_code: 500, message: 'Request timed out' } };
    worker.script(LIST, timedOut, timedOut);
    const result = await withVariables({ CDCCTL_RETRIES: '0' }, () => drift('--output', 'json'));
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ environment: 'local', drift: false, drifted: [] });
  });

  it('refuses an unknown output format', async () => {
    const result = await drift('--output', 'markdown');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: --output must be one of text, json (got markdown)\n');
  });
});

/**
 * The stacks steps with the real Terraform, in a project as `npm run synth` leaves it: stacks of
 * Terraform's built-in `terraform_data` with a local backend (nothing downloaded, no cloud).
 */
describe('cdcctl gitops stacks-plan and stacks-apply', () => {
  jest.setTimeout(120_000);

  function synthesizedProject(stacks: Record<string, Record<string, unknown>>): string {
    const directory = scratchDirectory();
    const manifest = Object.fromEntries(Object.keys(stacks).map((name) => [name, { name, constructPath: name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}`, annotations: [], dependencies: [] }]));
    mkdirSync(path.join(directory, 'cdktf.out'), { recursive: true });
    writeFileSync(path.join(directory, 'cdktf.out/manifest.json'), JSON.stringify({ version: '0.21.0', stacks: manifest }));
    for (const [name, resources] of Object.entries(stacks)) {
      mkdirSync(path.join(directory, 'cdktf.out/stacks', name), { recursive: true });
      writeFileSync(path.join(directory, 'cdktf.out/stacks', name, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: path.join(directory, 'state', `${name}.tfstate`) } } }, ...resources }));
    }
    return directory;
  }

  const cdcctlIn = (directory: string, args: string[]) => withVariables(NO_ACTIONS_CONTEXT, () => inDirectory(directory, () => runCdcctl(['gitops', ...args])));

  it('plans every stack of the environment into its saved plan (exit 0, or 2 with --detailed-exitcode), then applies the saved plans', async () => {
    const directory = synthesizedProject({ 'kafka-local': { resource: { terraform_data: { brokers: { input: 'three' } } } }, 'kafka-staging': { resource: { terraform_data: { brokers: { input: 'three' } } } } });
    const plan = await cdcctlIn(directory, ['stacks-plan', '--env', 'local']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('### Stacks plan: local\n\n**1 to add, 0 to change, 0 to destroy** · exit code 2\n');
    // Terraform's own output streams through to stderr (the CI log), stdout keeping the section.
    expect(plan.stderr).toContain('Terraform has been successfully initialized!');
    expect(plan.stderr).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    expect(readFileSync(path.join(directory, '.local/gitops/stacks-plan/local.md'), 'utf8')).toContain('### Stacks plan: local');
    const out = path.join(directory, 'section.md');
    expect((await cdcctlIn(directory, ['stacks-plan', '--env', 'local', '--out', out, '--detailed-exitcode'])).code).toBe(2);
    expect(readFileSync(out, 'utf8')).toContain('| `kafka-local` | 1 | 0 | 0 |');
    const applied = await cdcctlIn(directory, ['stacks-apply', '--env', 'local']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('applied the saved plans of 1 stacks of local\n');
    expect(applied.stderr).toContain('applying the saved plan of kafka-local\n');
    expect(existsSync(path.join(directory, 'state', 'kafka-local.tfstate'))).toBe(true);
    expect(existsSync(path.join(directory, 'state', 'kafka-staging.tfstate'))).toBe(false);
  });

  it('reports changes (exit 2 with --detailed-exitcode) when one stack of the environment changes and another does not', async () => {
    const directory = synthesizedProject({ 'connect-local': {}, 'kafka-local': { resource: { terraform_data: { brokers: { input: 'three' } } } } });
    const plan = await cdcctlIn(directory, ['stacks-plan', '--env', 'local', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('| `kafka-local` | 1 | 0 | 0 |');
  });

  it('names each stack that could not be planned on stderr and exits 1', async () => {
    const directory = synthesizedProject({ 'kafka-local': { resource: { terraform_data: { brokers: { input: '${var.undeclared}' } } } } });
    const plan = await cdcctlIn(directory, ['stacks-plan', '--env', 'local']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/^kafka-local: terraform /m);
  });

  it('applies nothing when a stack has no saved plan, and says to plan first', async () => {
    const directory = synthesizedProject({ 'kafka-local': { resource: { terraform_data: { brokers: { input: 'three' } } } } });
    const applied = await cdcctlIn(directory, ['stacks-apply', '--env', 'local']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('error: no saved plan for kafka-local: nothing applied; plan them first (npm run gitops:stacks-plan -- --env local)\n');
  });
});
