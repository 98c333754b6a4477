import { Command } from 'commander';
import { version } from '../package.json';
import { hintHelpAfterUsageErrors } from './command-tree';
import { environmentVariablesHelp } from './environment-variables';
import { checkVariableDefaults, reportError } from './support';
import { registerCompletionCommand } from './commands/completion';
import { registerConnectorCommands } from './commands/connectors';
import { registerGitopsCommands } from './commands/gitops';
import { registerLocalCommands } from './commands/local';
import { registerLocalFaults } from './commands/local-faults';
import { registerLocalStart } from './commands/local-start';
import { registerLocalStandIn } from './commands/local-standin';
import { registerMigrateCommands } from './commands/migrate';
import { registerMonitoringCommands } from './commands/monitoring';
import { registerSchemaCommands } from './commands/schema';

/**
 * `cdcctl`: the platform's command line. Each command group lives in cli/commands/<group>.ts
 * and only parses flags and prints; the work is done by the layers it calls.
 */
export function buildProgram(): Command {
  const program = new Command('cdcctl')
    .description('MongoDB change-data-capture platform as code: connectors, local runtime, monitoring, migration')
    .version(version, '-V, --version', 'print the version of cdcctl')
    .option('--debug', 'print stack traces and HTTP details on errors (also CDCCTL_DEBUG=1)')
    .option('--no-color', 'no colour in the output (also NO_COLOR; FORCE_COLOR forces it); only a terminal gets colour')
    .addHelpText('after', environmentVariablesHelp())
    // A flag's default from an environment variable is checked, naming the variable, before any command runs.
    .hook('preAction', (_program, command) => checkVariableDefaults(command))
    .exitOverride();
  registerConnectorCommands(program);
  const local = registerLocalStandIn(registerLocalCommands(program));
  registerLocalStart(local);
  registerLocalFaults(local);
  registerMonitoringCommands(program);
  registerSchemaCommands(program);
  registerMigrateCommands(program);
  registerGitopsCommands(program);
  registerCompletionCommand(program);
  // A usage error is one line and the help of the command that failed, not the whole help.
  hintHelpAfterUsageErrors(program);
  return program;
}

/** Runs cdcctl on these arguments: every error reported as one line, the exit code returned. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    // commander throws for --help/--version and usage errors once exitOverride() is set.
    const code = (error as { code?: string; exitCode?: number }).code;
    if (code?.startsWith('commander.')) return (error as { exitCode: number }).exitCode;
    return reportError(error);
  }
}

if (require.main === module || process.argv[1]?.endsWith('cdcctl')) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
