import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * The stacks side of GitOps goes through cdktf's own CLI (`cdktf diff`, `cdktf deploy`) on the
 * synthesized output of `npm run synth`, with `--skip-synth` so the app runs once per job.
 * `cdktf diff` leaves Terraform's binary plan in the stack's folder (`plan`); `terraform show -json`
 * turns it into the resource changes the pull-request comment summarises.
 */

const manifestSchema = z.object({
  stacks: z.record(z.string(), z.object({ name: z.string(), workingDirectory: z.string(), dependencies: z.array(z.string()).default([]) })),
});

export interface SynthesizedStack {
  readonly name: string;
  /** Absolute path of the stack's Terraform folder. */
  readonly workingDirectory: string;
  readonly dependencies: readonly string[];
}

/** Reads `<outDir>/manifest.json` (written by every cdktf synth). */
export async function readStacks(outDir: string): Promise<SynthesizedStack[]> {
  const file = path.join(outDir, 'manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read the cdktf manifest (${(error as Error).message}): run npm run synth first`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return Object.values(parsed.data.stacks)
    .map((stack) => ({ name: stack.name, workingDirectory: path.resolve(outDir, stack.workingDirectory), dependencies: stack.dependencies }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Stacks are named `<stack>-<environment>` (kafka-staging, connect-production, …). */
export function stacksOfEnvironment(stacks: readonly SynthesizedStack[], environment: string): SynthesizedStack[] {
  return stacks.filter((stack) => stack.name.endsWith(`-${environment}`));
}

export interface ResourceChange {
  readonly address: string;
  readonly action: 'create' | 'update' | 'delete' | 'replace' | 'read';
}

export interface StackPlanSummary {
  readonly stack: string;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Replacements count in `add` and `destroy` too, as Terraform counts them. */
  readonly replace: number;
  readonly changes: readonly ResourceChange[];
}

const terraformPlanSchema = z.object({
  resource_changes: z.array(z.object({ address: z.string(), change: z.object({ actions: z.array(z.string()) }) })).default([]),
});

/** `terraform show -json plan` → counts and the changed addresses. Values are never read: they may be secrets. */
export function summariseTerraformPlan(stack: string, planJson: unknown): StackPlanSummary {
  const parsed = terraformPlanSchema.safeParse(planJson);
  if (!parsed.success) throw new Error(`${stack}: not a Terraform JSON plan: ${parsed.error.issues[0]?.message}`);
  const changes: ResourceChange[] = [];
  for (const resource of parsed.data.resource_changes) {
    const actions = resource.change.actions.join(',');
    const action: ResourceChange['action'] | undefined =
      actions === 'create' ? 'create' : actions === 'update' ? 'update' : actions === 'delete' ? 'delete' : actions === 'delete,create' || actions === 'create,delete' ? 'replace' : actions === 'read' ? 'read' : undefined;
    if (action) changes.push({ address: resource.address, action });
  }
  const count = (action: ResourceChange['action']) => changes.filter((change) => change.action === action).length;
  return { stack, add: count('create') + count('replace'), change: count('update'), destroy: count('delete') + count('replace'), replace: count('replace'), changes };
}

const SYMBOL: Record<ResourceChange['action'], string> = { create: '+', update: '~', delete: '-', replace: '-/+', read: '<=' };

export function formatStacksPlanMarkdown(environment: string, summaries: readonly StackPlanSummary[], failures: readonly { stack: string; error: string }[]): string {
  const changed = summaries.some((summary) => summary.changes.some((change) => change.action !== 'read'));
  const total = (key: 'add' | 'change' | 'destroy') => summaries.reduce((sum, summary) => sum + summary[key], 0);
  const lines = [`### Stacks plan: ${environment}`, '', `**${total('add')} to add, ${total('change')} to change, ${total('destroy')} to destroy** · exit code ${failures.length ? 1 : changed ? 2 : 0}`, ''];
  const destructive = summaries.flatMap((summary) => summary.changes.filter((change) => change.action === 'delete' || change.action === 'replace').map((change) => `\`${summary.stack}\`: ${change.action} \`${change.address}\``));
  if (destructive.length) lines.push('> [!WARNING]', '> Destroyed or replaced resources:', ...destructive.map((line) => `> - ${line}`), '');
  if (failures.length) {
    lines.push('> [!CAUTION]', '> Stacks that could not be planned:', ...failures.map((failure) => `> - \`${failure.stack}\`: ${failure.error.split('\n')[0]}`), '');
    for (const failure of failures.filter((candidate) => candidate.error.includes('\n'))) {
      lines.push(`<details><summary><code>${failure.stack}</code> — why</summary>`, '', '```', ...failure.error.split('\n').slice(1), '```', '', '</details>', '');
    }
  }
  if (summaries.length) {
    lines.push('| stack | add | change | destroy |', '| --- | --- | --- | --- |');
    for (const summary of summaries) lines.push(`| \`${summary.stack}\` | ${summary.add} | ${summary.change} | ${summary.destroy}${summary.replace ? ` (${summary.replace} replaced)` : ''} |`);
    lines.push('');
    for (const summary of summaries.filter((candidate) => candidate.changes.some((change) => change.action !== 'read'))) {
      lines.push(`<details><summary><code>${summary.stack}</code> — ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy</summary>`, '', '```diff');
      for (const change of summary.changes.filter((candidate) => candidate.action !== 'read')) lines.push(`${change.action === 'create' ? '+' : change.action === 'delete' || change.action === 'replace' ? '-' : '!'} ${SYMBOL[change.action]} ${change.address}`);
      lines.push('```', '', '</details>', '');
    }
  }
  if (!summaries.length && !failures.length) lines.push(`No stacks for ${environment} in the synthesized output.`, '');
  return lines.join('\n');
}

export interface RunResult {
  readonly code: number;
  /** The last of stdout and stderr interleaved, for error messages. */
  readonly output: string;
  /** All of stdout. */
  readonly stdout: string;
}

/** Runs a program, streaming its output through and keeping the last of it for error messages. */
export function run(command: string, args: readonly string[], options: { cwd: string; echo?: boolean; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { CHECKPOINT_DISABLE: '1', ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: string[] = [];
    const stdout: string[] = [];
    const keep = (chunk: Buffer, stream: NodeJS.WriteStream) => {
      chunks.push(chunk.toString());
      if (chunks.length > 400) chunks.splice(0, chunks.length - 400);
      if (options.echo) stream.write(chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk.toString());
      keep(chunk, process.stderr);
    });
    child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
    child.on('error', (error) => reject(new Error(`${command}: cannot start (${error.message})`)));
    child.on('close', (code) => resolve({ code: code ?? 1, output: chunks.join(''), stdout: stdout.join('') }));
  });
}

/** cdktf's CLI from this repository's dependencies, run with the current Node. */
export function cdktfCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [require.resolve('cdktf-cli/bundle/bin/cdktf')] };
}

export const terraformBinary = (): string => process.env.TERRAFORM_BINARY_NAME ?? 'terraform';

/** The last lines of a tool's output that say what went wrong (cdktf prints the real error near the end). */
export function lastLines(output: string, count = 15): string {
  const clean = output.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  return clean
    .split('\n')
    .map((line) => line.trim())
    // Spinner frames and Terraform's empty diagnostic boxes say nothing.
    .filter((line) => line && !/terraformrc|CLI configuration|^[╷│╵]$|^[⠀-⣿]\s+\w+$/.test(line))
    .slice(-count)
    .join('\n');
}

/** `cdktf diff --skip-synth <stack>`, then `terraform show -json plan` in the stack's folder. */
export async function planStack(stack: SynthesizedStack, projectDir: string, echo = false): Promise<StackPlanSummary> {
  const cdktf = cdktfCommand();
  const diffRun = await run(cdktf.command, [...cdktf.args, 'diff', '--skip-synth', '--no-color', stack.name], { cwd: projectDir, echo });
  if (diffRun.code !== 0) throw new Error(`cdktf diff ${stack.name} exited ${diffRun.code}:\n${lastLines(diffRun.output)}`);
  const show = await run(terraformBinary(), ['show', '-json', '-no-color', 'plan'], { cwd: stack.workingDirectory });
  if (show.code !== 0) throw new Error(`terraform show -json plan (${stack.name}) exited ${show.code}:\n${lastLines(show.output)}`);
  return summariseTerraformPlan(stack.name, JSON.parse(show.stdout));
}

/** `cdktf deploy --skip-synth --auto-approve <stacks…>`: cdktf orders them by their dependencies. */
export async function deployStacks(stacks: readonly SynthesizedStack[], projectDir: string, echo = true): Promise<RunResult> {
  const cdktf = cdktfCommand();
  return run(cdktf.command, [...cdktf.args, 'deploy', '--skip-synth', '--auto-approve', '--no-color', ...stacks.map((stack) => stack.name)], { cwd: projectDir, echo });
}
