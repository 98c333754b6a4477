import path from 'node:path';
import { Command } from 'commander';
import { EXIT } from '../cli-support';
import { formatStacksPlanMarkdown, planStack, readStacks, stacksOfEnvironment, type StackPlanSummary } from './cdktf';
import { appendStepSummary, GITOPS_OUTPUT_DIR, isEntryPoint, loadEnvironmentFlag, runScript, writeOutputFile } from './support';

/**
 * `npm run gitops:stacks-plan -- --env <name>` (after `npm run synth`): a Terraform plan per stack of
 * the environment through `cdktf diff`, summarised as a Markdown section in the connectors plan's
 * style (destroyed or replaced resources at the top). Resource values are never shown.
 */

export interface StacksPlanReport {
  readonly exitCode: 0 | 1 | 2;
  readonly summaries: readonly StackPlanSummary[];
  readonly failures: readonly { stack: string; error: string }[];
  readonly markdown: string;
}

export interface StacksPlanOptions {
  /** Where cdktf.json is. @default the current directory */
  readonly projectDir?: string;
  /** @default '<projectDir>/cdktf.out' */
  readonly outDir?: string;
  /** Stream cdktf's output through (CI logs). @default false */
  readonly echo?: boolean;
}

export async function planEnvironmentStacks(environment: string, options: StacksPlanOptions = {}): Promise<StacksPlanReport> {
  const projectDir = options.projectDir ?? process.cwd();
  const stacks = stacksOfEnvironment(await readStacks(options.outDir ?? path.join(projectDir, 'cdktf.out')), environment);
  const summaries: StackPlanSummary[] = [];
  const failures: { stack: string; error: string }[] = [];
  // One at a time: each `cdktf diff` runs Terraform, which is heavy; stacks of one environment are few.
  for (const stack of stacks) {
    try {
      summaries.push(await planStack(stack, projectDir, options.echo));
    } catch (error) {
      failures.push({ stack: stack.name, error: (error as Error).message });
    }
  }
  const changed = summaries.some((summary) => summary.changes.some((change) => change.action !== 'read'));
  const exitCode = failures.length ? EXIT.error : changed ? EXIT.changes : EXIT.ok;
  return { exitCode, summaries, failures, markdown: formatStacksPlanMarkdown(environment, summaries, failures) };
}

export function buildProgram(): Command {
  return new Command('gitops-stacks-plan')
    .description("plan every stack of one environment with cdktf diff; write the Markdown section for the pull-request comment")
    .requiredOption('--env <name>', 'environment whose stacks (<stack>-<env>) are planned')
    .option('--out <file>', 'Markdown section file', '')
    .option('--detailed-exitcode', 'exit 2 when there are changes (default: 0 whenever every plan was made)')
    .action(async (flags: { env: string; out: string; detailedExitcode?: boolean }) => {
      const environment = loadEnvironmentFlag(flags.env);
      const report = await planEnvironmentStacks(environment.name, { echo: true });
      const out = flags.out || path.join(GITOPS_OUTPUT_DIR, 'stacks-plan', `${environment.name}.md`);
      await writeOutputFile(out, report.markdown);
      await appendStepSummary(report.markdown);
      process.stdout.write(report.markdown);
      for (const failure of report.failures) process.stderr.write(`${failure.stack}: ${failure.error}\n`);
      process.exitCode = report.exitCode === EXIT.changes && !flags.detailedExitcode ? EXIT.ok : report.exitCode;
    });
}

if (isEntryPoint(__filename)) runScript(buildProgram());
