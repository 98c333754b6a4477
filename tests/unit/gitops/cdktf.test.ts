import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatStacksPlanMarkdown, inDependencyOrder, lastLines, readStacks, stacksOfEnvironment, summariseTerraformPlan, terraformBinary, type SynthesizedStack } from '../../../gitops/cdktf';

/** The shape `terraform show -json plan` prints (trimmed to what the summary reads, plus a secret value). */
const planJson = {
  format_version: '1.2',
  resource_changes: [
    { address: 'aws_msk_cluster.cluster', change: { actions: ['update'], after: { broker_node_group_info: [] } } },
    { address: 'aws_secretsmanager_secret_version.scram', change: { actions: ['delete', 'create'], after: { secret_string: 'super-secret-value' } } },
    { address: 'kubernetes_deployment_v1.connect', change: { actions: ['create'] } },
    { address: 'aws_cloudwatch_log_group.brokers', change: { actions: ['delete'] } },
    { address: 'aws_iam_role.unchanged', change: { actions: ['no-op'] } },
    { address: 'data.aws_caller_identity.current', change: { actions: ['read'] } },
  ],
};

describe('stacks plan summary', () => {
  it('counts like Terraform: a replacement is one add and one destroy', () => {
    const summary = summariseTerraformPlan('kafka-staging', planJson);
    expect({ add: summary.add, change: summary.change, destroy: summary.destroy, replace: summary.replace }).toEqual({ add: 2, change: 1, destroy: 2, replace: 1 });
    expect(summary.changes.map((change) => `${change.action} ${change.address}`)).toEqual([
      'update aws_msk_cluster.cluster',
      'replace aws_secretsmanager_secret_version.scram',
      'create kubernetes_deployment_v1.connect',
      'delete aws_cloudwatch_log_group.brokers',
      'read data.aws_caller_identity.current',
    ]);
  });

  it('puts destroyed and replaced resources at the top, and never shows a value', () => {
    const markdown = formatStacksPlanMarkdown('staging', [summariseTerraformPlan('kafka-staging', planJson)], []);
    expect(markdown.split('\n').slice(0, 8)).toEqual([
      '### Stacks plan: staging',
      '',
      '**2 to add, 1 to change, 2 to destroy** · exit code 2',
      '',
      '> [!WARNING]',
      '> Destroyed or replaced resources:',
      '> - `kafka-staging`: replace `aws_secretsmanager_secret_version.scram`',
      '> - `kafka-staging`: delete `aws_cloudwatch_log_group.brokers`',
    ]);
    expect(markdown).toContain('| `kafka-staging` | 2 | 1 | 2 (1 replaced) |');
    expect(markdown).not.toContain('super-secret-value');
  });

  it('a stack that could not be planned is called out and makes the exit code 1', () => {
    const markdown = formatStacksPlanMarkdown('production', [], [{ stack: 'atlas-production', error: 'terraform plan (atlas-production) exited 1:\nError: missing credentials' }]);
    expect(markdown).toContain('> - `atlas-production`: terraform plan (atlas-production) exited 1:');
    expect(markdown).toContain('```\nError: missing credentials\n```');
    expect(markdown).toContain('· exit code 1');
  });

  it('no changes: exit code 0', () => {
    expect(formatStacksPlanMarkdown('staging', [summariseTerraformPlan('kafka-staging', { resource_changes: [] })], [])).toContain('**0 to add, 0 to change, 0 to destroy** · exit code 0');
  });

  it('changed: a resource to create, update or destroy, or an output to change, as Terraform\'s -detailed-exitcode counts; a data source read alone is no change', () => {
    expect(summariseTerraformPlan('kafka-staging', planJson).changed).toBe(true);
    expect(summariseTerraformPlan('x', { resource_changes: [{ address: 'data.aws_caller_identity.current', change: { actions: ['read'] } }, { address: 'aws_iam_role.unchanged', change: { actions: ['no-op'] } }] }).changed).toBe(false);
    expect(summariseTerraformPlan('x', { output_changes: { bootstrap: { actions: ['update'] }, arn: { actions: ['no-op'] } } }).changed).toBe(true);
    expect(summariseTerraformPlan('x', { output_changes: { arn: { actions: ['no-op'] } } }).changed).toBe(false);
  });

  it('refuses something that is not a Terraform plan', () => {
    expect(() => summariseTerraformPlan('x', { resource_changes: 'nope' })).toThrow('x: not a Terraform JSON plan');
  });
});

describe('synthesized stacks', () => {
  it('are read from cdktf’s manifest and picked per environment by their -<environment> suffix', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'cdktf-out-'));
    const stack = (name: string) => ({ name, constructPath: name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}`, annotations: [], dependencies: [] });
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: Object.fromEntries(['kafka-staging', 'connect-staging', 'kafka-production', 'staging-notes'].map((name) => [name, stack(name)])) }));
    const stacks = await readStacks(out);
    expect(stacksOfEnvironment(stacks, 'staging').map((entry) => entry.name)).toEqual(['connect-staging', 'kafka-staging']);
    expect(stacksOfEnvironment(stacks, 'staging')[0]!.workingDirectory).toBe(path.join(out, 'stacks/connect-staging'));
  });

  it('a missing manifest says to synth first', async () => {
    await expect(readStacks(path.join(tmpdir(), 'no-such-cdktf-out'))).rejects.toThrow('run npm run synth first');
  });

  it('error excerpts drop colour codes, spinner frames and Terraform’s CLI-configuration noise', () => {
    const output = '\u001b[31mError\u001b[0m: first\n│ Warning: Unable to open CLI configuration file\n│\n⠸  Processing\n   real error line\n';
    expect(lastLines(output)).toBe('Error: first\nreal error line');
  });
});

describe('stacks in dependency order', () => {
  const stack = (name: string, ...dependencies: string[]): SynthesizedStack => ({ name, workingDirectory: `/out/stacks/${name}`, dependencies });

  it('puts each stack after those it depends on, and otherwise keeps the order', () => {
    const ordered = inDependencyOrder([stack('atlas-staging'), stack('connect-staging', 'kafka-staging'), stack('kafka-staging'), stack('monitoring-staging', 'connect-staging')]);
    expect(ordered.map((entry) => entry.name)).toEqual(['atlas-staging', 'kafka-staging', 'connect-staging', 'monitoring-staging']);
  });

  it('ignores a dependency outside the stacks given (another environment’s)', () => {
    expect(inDependencyOrder([stack('connect-staging', 'kafka-shared')]).map((entry) => entry.name)).toEqual(['connect-staging']);
  });

  it('refuses a cycle, naming it', () => {
    expect(() => inDependencyOrder([stack('a-staging', 'b-staging'), stack('b-staging', 'a-staging')])).toThrow('stacks depend on each other in a cycle: a-staging → b-staging → a-staging');
  });
});

describe('TERRAFORM_BINARY_NAME', () => {
  const bin = mkdtempSync(path.join(tmpdir(), 'cdc-terraform-bin-'));
  const tofu = path.join(bin, 'tofu');
  writeFileSync(tofu, '#!/bin/sh\n');
  chmodSync(tofu, 0o755);
  writeFileSync(path.join(bin, 'not-executable'), '');

  it('takes a name found on PATH or an absolute path to an executable, terraform by default', () => {
    expect(terraformBinary({ PATH: bin, TERRAFORM_BINARY_NAME: 'tofu' })).toBe('tofu');
    expect(terraformBinary({ PATH: '', TERRAFORM_BINARY_NAME: tofu })).toBe(tofu);
    expect(() => terraformBinary({ PATH: bin })).toThrow('terraform: no such executable on PATH');
  });

  it('refuses a misspelt name, a file that is not executable and anything that is not a plain name, saying what it was given', () => {
    expect(() => terraformBinary({ PATH: bin, TERRAFORM_BINARY_NAME: 'terrafrom' })).toThrow('TERRAFORM_BINARY_NAME="terrafrom": no such executable on PATH');
    expect(() => terraformBinary({ PATH: bin, TERRAFORM_BINARY_NAME: 'not-executable' })).toThrow('no such executable on PATH');
    expect(() => terraformBinary({ PATH: bin, TERRAFORM_BINARY_NAME: 'tofu; rm -rf ~' })).toThrow('TERRAFORM_BINARY_NAME="tofu; rm -rf ~": no such executable on PATH');
  });
});
