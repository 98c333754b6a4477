import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../../cli/cdcctl';
import { allCommands, fullName, leafCommands } from '../../../cli/command-tree';

const README = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
const program = buildProgram();

/** The README's "Command reference" section: from its heading to the next `## `. */
function referenceSection(): string {
  const start = README.indexOf('\n## Command reference\n');
  expect(start).toBeGreaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

/** The reference's rows by command: `| \`cdcctl …\` | exit codes | json |`. */
function referenceRows(): Map<string, { readonly exitCodes: string; readonly json: string }> {
  const rows = referenceSection()
    .split('\n')
    .map((line) => /^\| `(cdcctl[^`]*)` \| (.*) \| (.*) \|$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null);
  return new Map(rows.map(([, name, exitCodes, json]) => [name!, { exitCodes: exitCodes!, json: json! }]));
}

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

const anchors = new Set([...README.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => anchorOf(heading!)));

function offersJson(command: Command): boolean {
  return command.options.some((option) => option.long === '--output' && /json/.test(option.description));
}

describe('the command tree', () => {
  it('names each command as a user types it, parents before their subcommands', () => {
    const names = allCommands(program).map(fullName);
    expect(names[0]).toBe('cdcctl');
    expect(names).toEqual(expect.arrayContaining(['cdcctl connectors', 'cdcctl connectors offsets', 'cdcctl connectors offsets restore', 'cdcctl completion']));
    expect(names.indexOf('cdcctl connectors offsets')).toBeLessThan(names.indexOf('cdcctl connectors offsets get'));
    expect(leafCommands(program).map(fullName)).not.toContain('cdcctl connectors offsets');
  });
});

describe("the README's command reference", () => {
  const rows = referenceRows();
  const commands = leafCommands(program);

  it('lists every command of cdcctl, and none that does not exist', () => {
    expect(commands.map(fullName).filter((name) => !rows.has(name))).toEqual([]);
    expect([...rows.keys()].filter((name) => !commands.some((command) => fullName(command) === name))).toEqual([]);
  });

  it('gives each command its exit codes: 0 and 1 always, 2 where it plans, checks or compares', () => {
    for (const command of commands) {
      const { exitCodes } = rows.get(fullName(command)) ?? { exitCodes: '' };
      const reportsChanges = command.options.some((option) => ['--check', '--detailed-exitcode'].includes(option.long!)) || /exit 0 no [a-z]+, 2/.test(command.description());
      expect({ command: fullName(command), zero: /\b0\b/.test(exitCodes), one: /\b1\b/.test(exitCodes), two: /\b2\b/.test(exitCodes) }).toEqual({
        command: fullName(command),
        zero: true,
        one: true,
        two: reportsChanges,
      });
    }
  });

  it('points every command with --output json at the section giving its shape, and only those', () => {
    for (const command of commands) {
      const { json } = rows.get(fullName(command)) ?? { json: '' };
      const link = /\]\(#([^)]+)\)/.exec(json)?.[1];
      expect({ command: fullName(command), linked: link !== undefined, to: link === undefined || anchors.has(link) }).toEqual({ command: fullName(command), linked: offersJson(command), to: true });
      if (!offersJson(command)) expect(json).toBe('—');
    }
  });
});
