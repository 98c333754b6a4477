import type { Command } from 'commander';

/**
 * The command tree as data, read after every command is registered: the usage hints, the shell
 * completion scripts and the README's command reference test all walk the same tree, so that a new
 * command needs no list of commands kept by hand anywhere.
 */

/** A command's full name as a user types it: `cdcctl connectors offsets get`. */
export function fullName(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** The command and every command under it, parents before their subcommands. */
export function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap((subcommand) => allCommands(subcommand))];
}

/** The commands a user runs (those without subcommands): the root's own help is not one of them. */
export function leafCommands(command: Command): Command[] {
  return allCommands(command).filter((each) => each.commands.length === 0);
}

/**
 * Every usage error ends with the help of the command that failed (`(run cdcctl connectors plan
 * --help)`): commander copies the root's setting into each subcommand when it is created, so it is
 * set again on every command once the tree is complete.
 */
export function hintHelpAfterUsageErrors(root: Command): void {
  for (const command of allCommands(root)) command.showHelpAfterError(`(run ${fullName(command)} --help)`);
}
