import path from 'node:path';
import { EXIT } from '../connectors/connect/plan';
import { formatStacksPlanMarkdown, planStack, readStacks, stacksOfEnvironment, type StackPlanSummary } from './cdktf';

/**
 * `cdcctl gitops stacks-plan --env <name>` (after `npm run synth`): `terraform plan` per stack of the
 * environment, saved in the stack's folder (`plan.tfplan`, what `stacks-apply` applies), summarised
 * as a Markdown section in the connectors plan's style (destroyed or replaced resources at the top).
 * Resource values are never shown.
 */

export interface StacksPlanReport {
  readonly exitCode: 0 | 1 | 2;
  readonly summaries: readonly StackPlanSummary[];
  readonly failures: readonly { stack: string; error: string }[];
  readonly markdown: string;
}

export interface StacksPlanOptions {
  /** Where cdktf.out is. @default the current directory */
  readonly projectDir?: string;
  /** @default '<projectDir>/cdktf.out' */
  readonly outDir?: string;
  /** Stream Terraform's output through (CI logs). @default false */
  readonly echo?: boolean;
}

export async function planEnvironmentStacks(environment: string, options: StacksPlanOptions = {}): Promise<StacksPlanReport> {
  const projectDir = options.projectDir ?? process.cwd();
  const stacks = stacksOfEnvironment(await readStacks(options.outDir ?? path.join(projectDir, 'cdktf.out')), environment);
  const summaries: StackPlanSummary[] = [];
  const failures: { stack: string; error: string }[] = [];
  // One at a time: Terraform is heavy; stacks of one environment are few.
  for (const stack of stacks) {
    try {
      summaries.push(await planStack(stack, options.echo));
    } catch (error) {
      failures.push({ stack: stack.name, error: (error as Error).message });
    }
  }
  const changed = summaries.some((summary) => summary.changed);
  const exitCode = failures.length ? EXIT.error : changed ? EXIT.changes : EXIT.ok;
  return { exitCode, summaries, failures, markdown: formatStacksPlanMarkdown(environment, summaries, failures) };
}
