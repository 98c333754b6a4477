import { Command } from 'commander';
import { CliError, progress } from '../cli-support';
import { deployStacks, readStacks, stacksOfEnvironment } from './cdktf';
import { isEntryPoint, loadEnvironmentFlag, runScript } from './support';

/**
 * `npm run gitops:stacks-apply -- --env <name>` (after `npm run synth`): `cdktf deploy` of every
 * stack of the environment, in dependency order, without a prompt: the approval is the workflow's
 * `environment:` gate, given before this job starts.
 */
export function buildProgram(): Command {
  return new Command('gitops-stacks-apply')
    .description('deploy every stack of one environment with cdktf deploy --auto-approve')
    .requiredOption('--env <name>', 'environment whose stacks (<stack>-<env>) are deployed')
    .action(async (flags: { env: string }) => {
      const environment = loadEnvironmentFlag(flags.env);
      const stacks = stacksOfEnvironment(await readStacks('cdktf.out'), environment.name);
      if (stacks.length === 0) throw new CliError(`cdktf.out: no stacks named *-${environment.name}: run npm run synth first`);
      progress(`deploying ${stacks.map((stack) => stack.name).join(', ')}`);
      const result = await deployStacks(stacks, process.cwd());
      if (result.code !== 0) throw new CliError(`cdktf deploy exited ${result.code} for ${environment.name}`);
      process.stdout.write(`deployed ${stacks.length} stacks of ${environment.name}\n`);
    });
}

if (isEntryPoint(__filename)) runScript(buildProgram());
