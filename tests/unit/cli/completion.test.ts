import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../../cli/cdcctl';
import { allCommands, fullName } from '../../../cli/command-tree';
import { completionScript, type CompletionShell } from '../../../cli/completion';
import { ENVIRONMENT_NAMES } from '../../../config';
import { runCdcctl } from './run-cdcctl';

const program = buildProgram();
const commandNames = [...new Set(allCommands(program).map((command) => command.name()))].filter((name) => name !== 'cdcctl');

function hasShell(shell: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

/** What bash's completion offers for the words typed so far (the last one is being completed). */
function bashCompletes(...words: string[]): string[] {
  const typed = ['cdcctl', ...words].map((word) => `'${word}'`).join(' ');
  const run = (file: string) => execFileSync('bash', ['-c', `source "$0"; COMP_WORDS=(${typed}); COMP_CWORD=${words.length}; _cdcctl; printf '%s\\n' "\${COMPREPLY[@]}"`, file], { encoding: 'utf8' });
  return withScript('bash', run).split('\n').filter(Boolean);
}

describe('cdcctl completion bash', () => {
  it('completes a command, a subcommand and an option from the command tree', () => {
    expect(bashCompletes('conn')).toEqual(['connectors']);
    expect(bashCompletes('connectors', 'pl')).toEqual(['plan']);
    expect(bashCompletes('connectors', 'offsets', '')).toEqual(['get', 'export', 'restore']);
    expect(bashCompletes('connectors', 'plan', '--pr')).toEqual(['--prune']);
    expect(bashCompletes('connectors', 'plan', '')).toEqual(['--prune', '--env', '--connect-url', '--output', '--debug', '--no-color', '--help']);
    expect(bashCompletes('--no-color', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(bashCompletes('connectors', 'offsets', '-')).toContain('--help');
  });

  it("completes --env with the config's environments, --output and --format with the command's formats, after other options", () => {
    expect(bashCompletes('connectors', 'plan', '--env', '')).toEqual(ENVIRONMENT_NAMES);
    expect(bashCompletes('connectors', 'plan', '--prune', '--env', 'st')).toEqual(['staging']);
    expect(bashCompletes('connectors', 'plan', '--env', 'staging', '--output', '')).toEqual(['text', 'json', 'markdown']);
    expect(bashCompletes('migrate', 'status', '--output', '')).toEqual(['text', 'json']);
    expect(bashCompletes('monitoring', 'render', '--format', '')).toEqual(['files', 'prometheus-operator']);
  });
});

describe.each<CompletionShell>(['zsh', 'fish'])('cdcctl completion %s', (shell) => {
  const script = completionScript(program, shell);
  const installed = hasShell(shell);

  it(`names every command and every long option of the tree${installed ? '' : ` (${shell} is not installed here: checked by its content only)`}`, () => {
    for (const name of commandNames) expect({ name, found: script.includes(`'${name}'`) || script.includes(` ${name} `) || script.includes(` ${name}'`) }).toEqual({ name, found: true });
    for (const command of allCommands(program))
      for (const option of command.options) expect({ command: fullName(command), option: option.long, found: script.includes(shell === 'fish' ? `-l '${option.long!.slice(2)}'` : option.long!) }).toMatchObject({ found: true });
    for (const environment of ENVIRONMENT_NAMES) expect(script).toContain(environment);
  });

  // zsh and fish are not installed on every machine: without them, the content test says so in its name.
  if (installed) {
    it(`is a script ${shell} parses (${shell} -n)`, () => {
      const result = withScript(shell, (file) => spawnSync(shell, ['-n', file], { encoding: 'utf8' }));
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    });

    it(`completes commands, subcommands and --env in ${shell}`, () => {
      const completes = shell === 'zsh' ? zshCompletes : fishCompletes;
      expect(completes('conn')).toContain('connectors');
      expect(completes('connectors', 'pl')).toContain('plan');
      expect(completes('connectors', 'plan', '--env', '')).toEqual(expect.arrayContaining(ENVIRONMENT_NAMES));
    });
  }
});

/** The script of a shell in a file for the time of one call. */
function withScript<T>(shell: CompletionShell, use: (file: string) => T): T {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cdcctl-completion-'));
  try {
    const file = path.join(folder, `cdcctl.${shell}`);
    fs.writeFileSync(file, completionScript(program, shell));
    return use(file);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * What zsh's completion offers: the script's function run with compadd printing its words (the real
 * compadd then keeps those that match the word typed) and no completion system loaded.
 */
function zshCompletes(...words: string[]): string[] {
  const typed = ['cdcctl', ...words].map((word) => `'${word}'`).join(' ');
  const stubs = 'compdef() { :; }; compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }; _files() { :; }';
  const run = (file: string) => execFileSync('zsh', ['-c', `${stubs}; source "$0"; words=(${typed}); CURRENT=${words.length + 1}; _cdcctl`, file], { encoding: 'utf8' });
  return withScript('zsh', run).split('\n').filter(Boolean);
}

/** What fish offers for the command line typed so far (`complete -C`), without the descriptions. */
function fishCompletes(...words: string[]): string[] {
  const line = ['cdcctl', ...words].join(' ');
  const run = (file: string) => execFileSync('fish', ['-c', `source $argv[1]; complete -C '${line}'`, file], { encoding: 'utf8' });
  return withScript('fish', run)
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.split('\t')[0]!);
}

describe('the completion command', () => {
  it('prints the script of the shell asked for and refuses another shell', async () => {
    expect(await runCdcctl(['completion', 'bash'])).toMatchObject({ code: 0, stdout: completionScript(program, 'bash') });
    const refused = await runCdcctl(['completion', 'powershell']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });
});
