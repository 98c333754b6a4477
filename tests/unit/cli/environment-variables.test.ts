import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildProgram } from '../../../cli/cdcctl';
import { allCommands, fullName } from '../../../cli/command-tree';
import { CONNECT_URL_VARIABLE, ENVIRONMENT_VARIABLE, ENVIRONMENT_VARIABLES, environmentVariablesMarkdown } from '../../../cli/environment-variables';
import { runCdcctl } from './run-cdcctl';

const README = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

/** The rows of the README's table of environment variables (the table under "The CLI's conventions"). */
function readmeTableRows(): string[] {
  const section = README.slice(README.indexOf("**The CLI's conventions.**"));
  const table = section.slice(section.indexOf('| Variable | What |'));
  return table
    .split('\n')
    .slice(2)
    .filter((line, index, lines) => lines.slice(0, index + 1).every((each) => each.startsWith('|')));
}

/** cdcctl run in this process with these variables set (and put back afterwards). */
async function withVariables(variables: Record<string, string>, args: readonly string[]) {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return await runCdcctl(args);
  } finally {
    for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

describe('the list of environment variables', () => {
  it("is the README's table, row for row", () => {
    expect(readmeTableRows()).toEqual(environmentVariablesMarkdown());
  });

  it('is printed by cdcctl --help, every variable with its text', async () => {
    const help = await runCdcctl(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('\nEnvironment variables:\n');
    for (const { variable, what } of ENVIRONMENT_VARIABLES) {
      expect(help.stdout).toContain(variable.replace(/`/g, ''));
      expect(help.stdout).toContain(what.replace(/`/g, ''));
    }
  });
});

describe('CDCCTL_ENV', () => {
  it('gives --env its default on every command where --env names one environment, and --connect-url its own on every command', () => {
    for (const command of allCommands(buildProgram())) {
      for (const option of command.options) {
        const meansAll = option.description.includes('default: all');
        if (option.long === '--env') expect({ command: fullName(command), reads: option.envVar }).toEqual({ command: fullName(command), reads: meansAll ? undefined : ENVIRONMENT_VARIABLE });
        if (option.long === '--connect-url') expect({ command: fullName(command), reads: option.envVar }).toEqual({ command: fullName(command), reads: CONNECT_URL_VARIABLE });
      }
    }
  });

  it('stands for --env, and --env wins over it', async () => {
    const byFlag = await runCdcctl(['monitoring', 'alerts', '--env', 'staging', '--output', 'json']);
    expect(byFlag.code).toBe(0);
    expect(await withVariables({ CDCCTL_ENV: 'staging' }, ['monitoring', 'alerts', '--output', 'json'])).toEqual(byFlag);
    expect(await withVariables({ CDCCTL_ENV: 'production' }, ['monitoring', 'alerts', '--env', 'staging', '--output', 'json'])).toEqual(byFlag);
    expect(await withVariables({ CDCCTL_ENV: 'no-such-env' }, ['monitoring', 'alerts', '--env', 'staging', '--output', 'json'])).toEqual(byFlag);
  });

  it('refuses an unknown environment as --env does, naming the variable', async () => {
    const byFlag = await runCdcctl(['monitoring', 'alerts', '--env', 'no-such-env']);
    const byVariable = await withVariables({ CDCCTL_ENV: 'no-such-env' }, ['monitoring', 'alerts']);
    expect(byFlag).toMatchObject({ code: 1, stderr: 'error: unknown environment "no-such-env" (known: local, local-standin, staging, production)\n' });
    expect(byVariable).toMatchObject({ code: 1, stdout: '', stderr: 'error: CDCCTL_ENV: unknown environment "no-such-env" (known: local, local-standin, staging, production)\n' });
  });
});

describe('CDCCTL_CONNECT_URL', () => {
  const status = ['connectors', 'status', '--env', 'local'];

  it("points a command at a worker as --connect-url does, says so on stderr, and the flag wins", async () => {
    const byVariable = await withVariables({ CDCCTL_CONNECT_URL: 'http://127.0.0.1:1', CDCCTL_RETRIES: '0' }, status);
    expect(byVariable.code).toBe(1);
    expect(byVariable.stderr).toContain('Kafka Connect at 127.0.0.1:1 (from CDCCTL_CONNECT_URL)');
    expect(byVariable.stderr).toContain('GET http://127.0.0.1:1/connectors');
    const flagWins = await withVariables({ CDCCTL_CONNECT_URL: 'http://127.0.0.1:1', CDCCTL_RETRIES: '0' }, [...status, '--connect-url', 'http://127.0.0.1:2']);
    expect(flagWins.stderr).toContain('GET http://127.0.0.1:2/connectors');
    expect(flagWins.stderr).not.toContain('127.0.0.1:1');
  });

  it("goes through --connect-url's checks: a URL that is not http(s) named with the variable, plain http off this machine refused for both", async () => {
    expect(await withVariables({ CDCCTL_CONNECT_URL: 'ftp://127.0.0.1/' }, status)).toMatchObject({
      code: 1,
      stderr: 'error: CDCCTL_CONNECT_URL: Kafka Connect URL: must be an http(s) URL (got "ftp://127.0.0.1/")\n',
    });
    const remote = 'http://10.0.0.1:8083';
    const byFlag = await runCdcctl(['connectors', 'status', '--env', 'staging', '--connect-url', remote]);
    const byVariable = await withVariables({ CDCCTL_CONNECT_URL: remote }, ['connectors', 'status', '--env', 'staging']);
    expect(byFlag).toMatchObject({ code: 1, stderr: expect.stringContaining('Kafka Connect URL: must be https') });
    expect(byVariable.code).toBe(1);
    expect(byVariable.stderr.endsWith(byFlag.stderr)).toBe(true);
  });
});
