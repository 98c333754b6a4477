import path from 'node:path';
import { applySavedPlan, hasSavedPlan, inDependencyOrder, readStacks, stacksOfEnvironment } from './cdktf';

/**
 * `cdcctl gitops stacks-apply --env <name>`: `terraform apply plan.tfplan` in every stack of the
 * environment, each after the stacks it depends on, on the plans `stacks-plan` saved (the workflow's
 * apply job downloads them, with the stack folders they were made in, from the plan job). Nothing is
 * re-planned: what was reviewed is what is applied. Without a prompt: the approval is the workflow's
 * `environment:` gate, given before this job starts. A stack without its plan stops everything first.
 */
export async function applyEnvironmentStacks(environment: string, options: { readonly projectDir?: string; readonly onProgress?: (message: string) => void; readonly echo?: boolean } = {}): Promise<{ readonly stacks: readonly string[] }> {
  const outDir = path.join(options.projectDir ?? process.cwd(), 'cdktf.out');
  const stacks = inDependencyOrder(stacksOfEnvironment(await readStacks(outDir), environment));
  if (stacks.length === 0) throw new Error(`${outDir}: no stacks named *-${environment}: synthesize and plan them first (npm run synth, npm run gitops:stacks-plan)`);
  const withoutPlan = stacks.filter((stack) => !hasSavedPlan(stack)).map((stack) => stack.name);
  if (withoutPlan.length) throw new Error(`no saved plan for ${withoutPlan.join(', ')}: nothing applied; plan them first (npm run gitops:stacks-plan -- --env ${environment})`);
  for (const stack of stacks) {
    options.onProgress?.(`applying the saved plan of ${stack.name}`);
    await applySavedPlan(stack, options.echo ?? true);
  }
  return { stacks: stacks.map((stack) => stack.name) };
}
