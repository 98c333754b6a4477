import type { Command, Option } from 'commander';
import { ENVIRONMENT_NAMES } from '../config';
import { allCommands, fullName } from './command-tree';

/**
 * Shell completion scripts for cdcctl, generated from the command tree: every command's
 * subcommands and long options, and the values an option takes where they are known (`--env`:
 * the environments; an option that declares its choices: those). The scripts are static: they
 * never call cdcctl while completing, so a completion costs no Node start-up; regenerate them
 * (`cdcctl completion <shell>`) after an upgrade.
 */

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** Values an option offers beyond commander's own `choices()` (which also validate them). */
const completionValues = new WeakMap<Option, readonly string[]>();

/** Declares the values completion offers for an option whose command checks them itself (`--output`). */
export function withCompletionValues(option: Option, values: readonly string[]): Option {
  completionValues.set(option, values);
  return option;
}

/** One long option of a command: its name, whether it takes a value and the values completion offers. */
interface CompletedOption {
  readonly long: string;
  readonly description: string;
  readonly takesValue: boolean;
  /** Empty when the value is free (a file, a URL, a name): the shell completes file names. */
  readonly values: readonly string[];
}

/** One command as completion sees it: the words after `cdcctl` that lead to it. */
interface CompletedCommand {
  readonly path: string;
  readonly subcommands: ReadonlyArray<{ readonly name: string; readonly description: string }>;
  readonly options: readonly CompletedOption[];
  /** The values its arguments declare (`completion`'s shells). */
  readonly argumentValues: readonly string[];
}

function optionValues(option: Option): readonly string[] {
  if (option.long === '--env') return ENVIRONMENT_NAMES;
  return option.argChoices ?? completionValues.get(option) ?? [];
}

function completedOptions(command: Command): CompletedOption[] {
  return command.options
    .filter((option) => option.long && !option.hidden)
    .map((option) => ({ long: option.long!, description: option.description, takesValue: option.required || option.optional, values: optionValues(option) }));
}

/**
 * Every command with its subcommands and options. The root's options (--debug, --no-color) are
 * offered everywhere, as commander reads them before and after a subcommand; --help everywhere.
 */
export function completionTree(root: Command): CompletedCommand[] {
  const help: CompletedOption = { long: '--help', description: 'display help for command', takesValue: false, values: [] };
  const global = completedOptions(root).filter((option) => option.long !== '--version');
  return allCommands(root).map((command) => ({
    path: fullName(command).split(' ').slice(1).join(' '),
    subcommands: command.commands.map((subcommand) => ({ name: subcommand.name(), description: subcommand.description() })),
    options: [...completedOptions(command), ...(command === root ? [] : global), help],
    argumentValues: command.registeredArguments.flatMap((argument) => argument.argChoices ?? []),
  }));
}

/** A word as a single-quoted shell string (bash, zsh and fish alike for these characters). */
function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `case` arms of a POSIX-style shell function: the command path → the words it prints. */
function caseFunction(name: string, arms: ReadonlyArray<readonly [string, string]>, otherwise: string): string {
  const lines = arms.map(([key, words]) => `    ${quoted(key)}) ${words} ;;`);
  return [`${name}() {`, '  case "$1" in', ...lines, `    *) ${otherwise} ;;`, '  esac', '}'].join('\n');
}

/** The three lookup functions bash and zsh share: subcommands, every word, an option's values. */
function lookupFunctions(tree: readonly CompletedCommand[]): string {
  const words = (command: CompletedCommand) => [...command.subcommands.map((subcommand) => subcommand.name), ...command.argumentValues];
  const subcommands = tree.filter((command) => command.subcommands.length).map((command) => [command.path, `echo ${quoted(command.subcommands.map((subcommand) => subcommand.name).join(' '))}`] as const);
  const allWords = tree.filter((command) => words(command).length).map((command) => [command.path, `echo ${quoted(words(command).join(' '))}`] as const);
  const options = tree.map((command) => [command.path, `echo ${quoted(command.options.map((option) => option.long).join(' '))}`] as const);
  const values = tree.flatMap((command) =>
    command.options.filter((option) => option.takesValue).map((option) => [`${command.path} ${option.long}`, `echo ${quoted(option.values.join(' '))}`] as const),
  );
  return [
    '# The subcommands of a command path (the words after cdcctl, space-separated).',
    caseFunction('_cdcctl_subcommands', subcommands, 'return 1'),
    '# The subcommands of a command path, or the values its arguments take.',
    caseFunction('_cdcctl_words', allWords, 'return 1'),
    '# The long options of a command path.',
    caseFunction('_cdcctl_options', options, 'return 1'),
    '# "<path> <option>": the values the option takes (empty: a file or free text); status 1 for a flag.',
    caseFunction('_cdcctl_values', values, 'return 1'),
  ].join('\n');
}

/** The command path the words before the cursor lead to (options and their values skipped). */
const COMMAND_PATH_LOOP = (first: string, words: string, current: string) => `  local command_path='' word i
  for ((i = ${first}; i < ${current}; i++)); do
    word="\${${words}[i]}"
    [[ "$word" == -* ]] && continue
    if [[ " $(_cdcctl_subcommands "$command_path") " == *" $word "* ]]; then command_path="\${command_path:+$command_path }$word"; fi
  done`;

function bashScript(tree: readonly CompletedCommand[]): string {
  return `# cdcctl completion for bash, generated by \`cdcctl completion bash\`.
# Install: source <(cdcctl completion bash)   (in ~/.bashrc), or write it into
# ~/.local/share/bash-completion/completions/cdcctl.
${lookupFunctions(tree)}
_cdcctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" values
${COMMAND_PATH_LOOP('1', 'COMP_WORDS', 'COMP_CWORD')}
  if [[ "$prev" == -* ]] && values="$(_cdcctl_values "$command_path $prev")"; then
    if [[ -n "$values" ]]; then COMPREPLY=($(compgen -W "$values" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    return 0
  fi
  # Options once a dash is typed, or where there is nothing else to offer; as kubectl and git do.
  if [[ "$cur" == -* ]] || ! values="$(_cdcctl_words "$command_path")"; then values="$(_cdcctl_options "$command_path")"; fi
  COMPREPLY=($(compgen -W "$values" -- "$cur"))
}
complete -F _cdcctl cdcctl
`;
}

function zshScript(tree: readonly CompletedCommand[]): string {
  // zsh's own completion system, not bashcompinit: words[1] is cdcctl, CURRENT the word being completed.
  // \`path\` is zsh's array tied to PATH, hence command_path.
  return `#compdef cdcctl
# cdcctl completion for zsh, generated by \`cdcctl completion zsh\`.
# Install: source <(cdcctl completion zsh)   (in ~/.zshrc, after compinit), or write it as _cdcctl
# into a folder of your fpath.
${lookupFunctions(tree)}
_cdcctl() {
  local values prev="\${words[CURRENT-1]}"
${COMMAND_PATH_LOOP('2', 'words', 'CURRENT')}
  if [[ "$prev" == -* ]] && values="$(_cdcctl_values "$command_path $prev")"; then
    if [[ -n "$values" ]]; then compadd -- \${=values}; else _files; fi
    return
  fi
  if [[ "\${words[CURRENT]}" == -* ]] || ! values="$(_cdcctl_words "$command_path")"; then values="$(_cdcctl_options "$command_path")"; fi
  compadd -- \${=values}
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _cdcctl "$@"; else compdef _cdcctl cdcctl; fi
`;
}

/** fish's `complete` lines: one per subcommand and per option, each under the command path it belongs to. */
function fishCompletions(command: CompletedCommand): string[] {
  // Command names are words (letters, digits, dashes): double quotes inside the single-quoted condition hold them.
  const condition = `-n '__cdcctl_at "${command.path}"'`;
  const subcommands = command.subcommands.map((subcommand) => `complete -c cdcctl ${condition} -a ${quoted(subcommand.name)} -d ${quoted(subcommand.description)}`);
  const options = command.options.map((option) => {
    const value = option.takesValue ? (option.values.length ? ` -x -a ${quoted(option.values.join(' '))}` : ' -r -F') : '';
    return `complete -c cdcctl ${condition} -l ${quoted(option.long.slice(2))}${value} -d ${quoted(option.description)}`;
  });
  const argumentValues = command.argumentValues.length ? [`complete -c cdcctl ${condition} -a ${quoted(command.argumentValues.join(' '))}`] : [];
  return [...subcommands, ...argumentValues, ...options];
}

function fishScript(tree: readonly CompletedCommand[]): string {
  const subcommandArms = tree
    .filter((command) => command.subcommands.length)
    .map((command) => `    case ${quoted(command.path)}\n      printf '%s\\n' ${command.subcommands.map((subcommand) => quoted(subcommand.name)).join(' ')}`);
  return `# cdcctl completion for fish, generated by \`cdcctl completion fish\`.
# Install: cdcctl completion fish > ~/.config/fish/completions/cdcctl.fish
function __cdcctl_subcommands
  switch $argv[1]
${subcommandArms.join('\n')}
  end
end
# The command path the words before the cursor lead to (options and their values skipped).
function __cdcctl_command_path
  set -l command_path ''
  for word in (commandline -opc)[2..-1]
    string match -q -- '-*' $word; and continue
    if contains -- $word (__cdcctl_subcommands $command_path)
      set command_path (string trim -- "$command_path $word")
    end
  end
  echo $command_path
end
function __cdcctl_at
  set -l current (__cdcctl_command_path)
  test "$current" = "$argv[1]"
end
complete -c cdcctl -f
${tree.flatMap((command) => fishCompletions(command)).join('\n')}
`;
}

/** The completion script for one shell. */
export function completionScript(root: Command, shell: CompletionShell): string {
  const tree = completionTree(root);
  return { bash: bashScript, zsh: zshScript, fish: fishScript }[shell](tree);
}
