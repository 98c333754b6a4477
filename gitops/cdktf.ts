import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * The stacks side of GitOps on the synthesized output of `npm run synth` (cdktf's manifest and one
 * plain Terraform folder per stack), with plain `terraform`: cdktf is archived upstream, and a saved
 * plan is what makes the applied change the reviewed one. `stacks-plan` runs `terraform init` and
 * `terraform plan -out=plan.tfplan` in each stack's folder and summarises `terraform show -json`;
 * `stacks-apply` runs `terraform apply plan.tfplan` on that very file, nothing re-planned.
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
  /** Whether applying the plan would change anything: Terraform's `-detailed-exitcode` verdict (outputs count too). */
  readonly changed: boolean;
}

const terraformPlanSchema = z.object({
  resource_changes: z.array(z.object({ address: z.string(), change: z.object({ actions: z.array(z.string()) }) })).default([]),
  output_changes: z.record(z.string(), z.object({ actions: z.array(z.string()) })).default({}),
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
  const outputsChange = Object.values(parsed.data.output_changes).some((output) => output.actions.join(',') !== 'no-op');
  const changed = changes.some((change) => change.action !== 'read') || outputsChange;
  return { stack, add: count('create') + count('replace'), change: count('update'), destroy: count('delete') + count('replace'), replace: count('replace'), changes, changed };
}

const SYMBOL: Record<ResourceChange['action'], string> = { create: '+', update: '~', delete: '-', replace: '-/+', read: '<=' };

export function formatStacksPlanMarkdown(environment: string, summaries: readonly StackPlanSummary[], failures: readonly { stack: string; error: string }[]): string {
  const changed = summaries.some((summary) => summary.changed);
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

/**
 * The Terraform binary: TERRAFORM_BINARY_NAME (cdktf reads the same variable), `terraform` by default.
 * A name found on PATH or an absolute path to an executable; anything else is refused with what was given.
 */
export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  const binary = env.TERRAFORM_BINARY_NAME || 'terraform';
  const candidates = path.isAbsolute(binary) ? [binary] : /^[\w.-]+$/.test(binary) ? (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((directory) => path.join(directory, binary)) : [];
  const executable = candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
  if (!executable) {
    const what = env.TERRAFORM_BINARY_NAME ? `TERRAFORM_BINARY_NAME=${JSON.stringify(binary.slice(0, 200))}` : 'terraform';
    throw new Error(`${what}: no such executable ${path.isAbsolute(binary) ? 'file' : 'on PATH'} (install Terraform ≥ 1.11, or set TERRAFORM_BINARY_NAME to terraform, tofu or an absolute path)`);
  }
  return binary;
}

/** The last lines of a tool's output that say what went wrong (Terraform prints the real error near the end). */
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

/** The saved plan in each stack's folder: what `stacks-plan` writes, what `stacks-apply` applies. */
export const SAVED_PLAN_FILE = 'plan.tfplan';

/** Terraform in a stack's folder, never prompting; a non-zero exit (but those listed as fine) throws with its last lines. */
async function terraform(stack: SynthesizedStack, args: readonly string[], options: { echo?: boolean; fineExitCodes?: readonly number[] } = {}): Promise<RunResult> {
  const result = await run(terraformBinary(), [...args, '-no-color'], { cwd: stack.workingDirectory, echo: options.echo, env: { TF_IN_AUTOMATION: '1', TF_INPUT: '0' } });
  if (result.code !== 0 && !options.fineExitCodes?.includes(result.code)) throw new Error(`terraform ${args[0]} (${stack.name}) exited ${result.code}:\n${lastLines(result.output)}`);
  return result;
}

/**
 * `terraform init`, `terraform plan -lock=false -detailed-exitcode -out=plan.tfplan` (exit 2: changes),
 * then `terraform show -json plan.tfplan`. The plan file stays in the stack's folder for
 * `applySavedPlan`; an older one goes first, so a plan that fails leaves none to apply. No state lock:
 * plans run with read-only credentials, which cannot write the lock file, and an apply refuses a saved
 * plan whose state changed after it was made, so a plan made beside an apply is never applied.
 */
export async function planStack(stack: SynthesizedStack, echo = false): Promise<StackPlanSummary> {
  rmSync(path.join(stack.workingDirectory, SAVED_PLAN_FILE), { force: true });
  await terraform(stack, ['init', '-input=false'], { echo });
  const plan = await terraform(stack, ['plan', '-input=false', '-lock=false', '-detailed-exitcode', `-out=${SAVED_PLAN_FILE}`], { echo, fineExitCodes: [2] });
  const show = await terraform(stack, ['show', '-json', SAVED_PLAN_FILE]);
  return { ...summariseTerraformPlan(stack.name, JSON.parse(show.stdout)), changed: plan.code === 2 };
}

export const hasSavedPlan = (stack: SynthesizedStack): boolean => existsSync(path.join(stack.workingDirectory, SAVED_PLAN_FILE));

/**
 * `terraform init -lockfile=readonly` (the providers the plan was made with, from the stack's lock
 * file), then `terraform apply plan.tfplan`: exactly the saved plan, no prompt, nothing re-planned.
 * Terraform refuses a plan whose state changed since it was made ("Saved plan is stale").
 */
export async function applySavedPlan(stack: SynthesizedStack, echo = true): Promise<void> {
  if (!hasSavedPlan(stack)) throw new Error(`${stack.name}: no saved plan (${path.join(stack.workingDirectory, SAVED_PLAN_FILE)}): run the plan first`);
  await terraform(stack, ['init', '-input=false', '-lockfile=readonly'], { echo });
  await terraform(stack, ['apply', '-input=false', SAVED_PLAN_FILE], { echo });
}

/** Stacks in an order that applies each after the stacks it depends on (cdktf's manifest `dependencies`). */
export function inDependencyOrder(stacks: readonly SynthesizedStack[]): SynthesizedStack[] {
  const ordered: SynthesizedStack[] = [];
  const visit = (stack: SynthesizedStack, trail: readonly string[]) => {
    if (ordered.includes(stack)) return;
    if (trail.includes(stack.name)) throw new Error(`stacks depend on each other in a cycle: ${[...trail, stack.name].join(' → ')}`);
    for (const dependency of stack.dependencies) {
      const found = stacks.find((candidate) => candidate.name === dependency);
      if (found) visit(found, [...trail, stack.name]);
    }
    ordered.push(stack);
  };
  for (const stack of stacks) visit(stack, []);
  return ordered;
}
