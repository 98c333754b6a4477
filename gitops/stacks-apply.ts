import { deployStacks, readStacks, stacksOfEnvironment } from './cdktf';

/**
 * `cdcctl gitops stacks-apply --env <name>` (after `npm run synth`): `cdktf deploy` of every stack of
 * the environment, in dependency order, without a prompt: the approval is the workflow's
 * `environment:` gate, given before this job starts.
 */
export async function applyEnvironmentStacks(environment: string, options: { readonly projectDir?: string; readonly onProgress?: (message: string) => void } = {}): Promise<{ readonly stacks: readonly string[] }> {
  const projectDir = options.projectDir ?? process.cwd();
  const stacks = stacksOfEnvironment(await readStacks(`${projectDir}/cdktf.out`), environment);
  if (stacks.length === 0) throw new Error(`cdktf.out: no stacks named *-${environment}: run npm run synth first`);
  options.onProgress?.(`deploying ${stacks.map((stack) => stack.name).join(', ')}`);
  const result = await deployStacks(stacks, projectDir);
  if (result.code !== 0) throw new Error(`cdktf deploy exited ${result.code} for ${environment}`);
  return { stacks: stacks.map((stack) => stack.name) };
}
