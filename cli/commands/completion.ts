import { Argument, type Command } from 'commander';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../completion';

/** `cdcctl completion bash|zsh|fish`: prints the shell's completion script for every command. */
export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash: source <(cdcctl completion bash); see the README)')
    .addArgument(new Argument('<shell>', COMPLETION_SHELLS.join('|')).choices(COMPLETION_SHELLS))
    .action((shell: CompletionShell) => {
      process.stdout.write(completionScript(program, shell));
    });
}
