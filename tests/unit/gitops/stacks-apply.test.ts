import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run, terraformBinary } from '../../../gitops/cdktf';
import { applyEnvironmentStacks } from '../../../gitops/stacks-apply';
import { planEnvironmentStacks } from '../../../gitops/stacks-plan';

/**
 * The stacks workflow's plan and apply steps with the real Terraform (`terraform` on PATH, or
 * TERRAFORM_BINARY_NAME) on stacks of Terraform's built-in `terraform_data` with a local backend:
 * nothing downloaded, no cloud. What the apply job applies is the saved plan, not a new one.
 */

jest.setTimeout(120_000);

const quiet = { echo: false };

/** A project as `npm run synth` leaves it: cdktf's manifest and one folder per stack. */
function project(stacks: Record<string, { resources: Record<string, string>; dependencies?: string[] }>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stacks-apply-'));
  const manifest = Object.fromEntries(
    Object.entries(stacks).map(([name, stack]) => [name, { name, constructPath: name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}`, annotations: [], dependencies: stack.dependencies ?? [] }]),
  );
  mkdirSync(path.join(dir, 'cdktf.out'), { recursive: true });
  writeFileSync(path.join(dir, 'cdktf.out/manifest.json'), JSON.stringify({ version: '0.21.0', stacks: manifest }));
  for (const [name, stack] of Object.entries(stacks)) writeStack(dir, name, stack.resources);
  return dir;
}

function writeStack(dir: string, name: string, resources: Record<string, string>): void {
  const stackDir = path.join(dir, 'cdktf.out/stacks', name);
  mkdirSync(stackDir, { recursive: true });
  const terraformData = Object.fromEntries(Object.entries(resources).map(([id, input]) => [id, { input }]));
  writeFileSync(
    path.join(stackDir, 'cdk.tf.json'),
    JSON.stringify({ terraform: { backend: { local: { path: path.join(dir, 'state', `${name}.tfstate`) } } }, resource: { terraform_data: terraformData } }),
  );
}

/** The resources in a stack's state: what was really applied. */
function applied(dir: string, name: string): Record<string, string> {
  const file = path.join(dir, 'state', `${name}.tfstate`);
  if (!existsSync(file)) return {};
  const state = JSON.parse(readFileSync(file, 'utf8')) as { resources: Array<{ name: string; instances: Array<{ attributes: { input: { value: string } } }> }> };
  return Object.fromEntries(state.resources.map((resource) => [resource.name, resource.instances[0]!.attributes.input.value]));
}

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('stacks plan and apply: the saved plan', () => {
  it('plans every stack of the environment into plan.tfplan (exit 2: changes), applies those plans, and the next plan is empty (exit 0)', async () => {
    dir = project({ 'kafka-staging': { resources: { brokers: 'three' } }, 'connect-staging': { resources: { workers: 'two' } }, 'kafka-production': { resources: { brokers: 'six' } } });
    const plan = await planEnvironmentStacks('staging', { projectDir: dir, ...quiet });
    expect({ exitCode: plan.exitCode, failures: plan.failures }).toEqual({ exitCode: 2, failures: [] });
    expect(plan.summaries.map((summary) => [summary.stack, summary.add, summary.changed])).toEqual([['connect-staging', 1, true], ['kafka-staging', 1, true]]);
    expect(existsSync(path.join(dir, 'cdktf.out/stacks/kafka-staging/plan.tfplan'))).toBe(true);

    expect(await applyEnvironmentStacks('staging', { projectDir: dir, ...quiet })).toEqual({ stacks: ['connect-staging', 'kafka-staging'] });
    expect([applied(dir, 'kafka-staging'), applied(dir, 'connect-staging'), applied(dir, 'kafka-production')]).toEqual([{ brokers: 'three' }, { workers: 'two' }, {}]);
    const after = await planEnvironmentStacks('staging', { projectDir: dir, ...quiet });
    expect({ exitCode: after.exitCode, changed: after.summaries.map((summary) => summary.changed) }).toEqual({ exitCode: 0, changed: [false, false] });
  });

  it('applies what was planned, not what the configuration says by then', async () => {
    dir = project({ 'kafka-staging': { resources: { brokers: 'three' } } });
    await planEnvironmentStacks('staging', { projectDir: dir, ...quiet });
    writeStack(dir, 'kafka-staging', { brokers: 'three', unreviewed: 'added after the plan' });
    await applyEnvironmentStacks('staging', { projectDir: dir, ...quiet });
    expect(applied(dir, 'kafka-staging')).toEqual({ brokers: 'three' });
  });

  it('refuses a saved plan whose state changed since it was made', async () => {
    dir = project({ 'kafka-staging': { resources: { brokers: 'three' } } });
    await planEnvironmentStacks('staging', { projectDir: dir, ...quiet });
    // Someone applies something else in between (another run, a hand-made apply).
    const stackDir = path.join(dir, 'cdktf.out/stacks/kafka-staging');
    expect((await run(terraformBinary(), ['apply', '-auto-approve', '-input=false', '-no-color', '-target=terraform_data.brokers'], { cwd: stackDir })).code).toBe(0);
    await expect(applyEnvironmentStacks('staging', { projectDir: dir, ...quiet })).rejects.toThrow(/terraform apply \(kafka-staging\) exited 1:[\s\S]*stale/i);
  });

  it('applies nothing when any stack of the environment has no saved plan, and names each', async () => {
    dir = project({ 'kafka-staging': { resources: { brokers: 'three' } }, 'connect-staging': { resources: { workers: 'two' } }, 'atlas-staging': { resources: { user: 'cdc' } } });
    await planEnvironmentStacks('staging', { projectDir: dir, ...quiet });
    rmSync(path.join(dir, 'cdktf.out/stacks/connect-staging/plan.tfplan'));
    rmSync(path.join(dir, 'cdktf.out/stacks/kafka-staging/plan.tfplan'));
    await expect(applyEnvironmentStacks('staging', { projectDir: dir, ...quiet })).rejects.toThrow('no saved plan for connect-staging, kafka-staging: nothing applied');
    expect(applied(dir, 'atlas-staging')).toEqual({});
  });

  it('a plan that fails leaves no saved plan behind, not even the one an earlier run saved', async () => {
    dir = project({ 'kafka-staging': { resources: { brokers: 'three' } } });
    await planEnvironmentStacks('staging', { projectDir: dir, ...quiet });
    writeFileSync(path.join(dir, 'cdktf.out/stacks/kafka-staging/cdk.tf.json'), JSON.stringify({ resource: { terraform_data: { brokers: { no_such_argument: 'six' } } } }));
    expect((await planEnvironmentStacks('staging', { projectDir: dir, ...quiet })).exitCode).toBe(1);
    await expect(applyEnvironmentStacks('staging', { projectDir: dir, ...quiet })).rejects.toThrow('no saved plan for kafka-staging: nothing applied');
    expect(applied(dir, 'kafka-staging')).toEqual({});
  });

  it('a plan that fails is reported and makes the exit code 1, the other stacks still planned', async () => {
    dir = project({ 'kafka-staging': { resources: { brokers: 'three' } }, 'connect-staging': { resources: {} } });
    writeFileSync(path.join(dir, 'cdktf.out/stacks/connect-staging/cdk.tf.json'), JSON.stringify({ resource: { terraform_data: { workers: { no_such_argument: 'two' } } } }));
    const plan = await planEnvironmentStacks('staging', { projectDir: dir, ...quiet });
    expect(plan.exitCode).toBe(1);
    expect(plan.failures.map((failure) => failure.stack)).toEqual(['connect-staging']);
    expect(plan.failures[0]!.error).toMatch(/^terraform plan \(connect-staging\) exited 1:[\s\S]*no_such_argument/);
    expect(plan.summaries.map((summary) => summary.stack)).toEqual(['kafka-staging']);
  });
});
