import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildProgram } from '../../../cli/cdcctl';
import { colorEnabled } from '../../../cli/colors';
import { allCommands, fullName } from '../../../cli/command-tree';
import { runCdcctl } from './run-cdcctl';
import { retriesFrom } from '../../../connectors/connect/environment-client';
import { version } from '../../../package.json';

const ROOT = path.resolve(__dirname, '../../..');
const ESCAPE = '\u001b[';

/** bin/cdcctl as a user runs it, stdout and stderr piped (no terminal), with these variables. */
function cdcctl(args: readonly string[], env: Record<string, string | undefined> = {}) {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete merged[name];
  return spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cdcctl'), ...args], { cwd: ROOT, env: merged, encoding: 'utf8', timeout: 60_000 });
}

describe('colour is for terminals only', () => {
  const terminal = { isTTY: true };
  const pipe = { isTTY: false };

  it('goes to a terminal, and not to a pipe or a file, whatever CI says', () => {
    expect(colorEnabled(terminal, {}, [])).toBe(true);
    expect(colorEnabled(pipe, {}, [])).toBe(false);
    expect(colorEnabled(pipe, { CI: 'true' }, [])).toBe(false);
    expect(colorEnabled({}, { CI: 'true' }, [])).toBe(false);
  });

  it('is turned off by --no-color, NO_COLOR (even empty) and TERM=dumb, on by FORCE_COLOR but not FORCE_COLOR=0', () => {
    expect(colorEnabled(terminal, {}, ['node', 'cdcctl', '--no-color'])).toBe(false);
    expect(colorEnabled(terminal, { NO_COLOR: '' }, [])).toBe(false);
    expect(colorEnabled(terminal, { TERM: 'dumb' }, [])).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' }, [])).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '0' }, [])).toBe(false);
    expect(colorEnabled(terminal, { FORCE_COLOR: '0' }, [])).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, [])).toBe(false);
  });
});

describe('cdcctl, the program', () => {
  it('prints its version', () => {
    const result = cdcctl(['--version']);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: `${version}\n` });
  });

  it('answers a usage error with one line and the help of the command that failed, not the whole help', () => {
    const result = cdcctl(['connectors', 'status', '--env', 'local', '--no-such-flag']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("error: unknown option '--no-such-flag'\n(run cdcctl connectors status --help)\n");
    const missing = cdcctl(['connectors', 'offsets', 'get', '--env', 'local']);
    expect(missing.stderr).toBe("error: missing required argument 'name'\n(run cdcctl connectors offsets get --help)\n");
    const unknown = cdcctl(['connectorz']);
    expect(unknown.stderr).toMatch(/^error: unknown command 'connectorz'\n(\(Did you mean connectors\?\)\n)?\(run cdcctl --help\)\n$/);
  });

  it('names the help of every command after a usage error of that command', async () => {
    for (const command of allCommands(buildProgram())) {
      const words = fullName(command).split(' ').slice(1);
      const result = await runCdcctl([...words, '--no-such-flag']);
      expect({ command: fullName(command), code: result.code, hint: result.stderr.split('\n').at(-2) }).toEqual({
        command: fullName(command),
        code: 1,
        hint: `(run ${fullName(command)} --help)`,
      });
    }
  });

  it('writes no escape codes into a pipe under CI=true, and none with --no-color under FORCE_COLOR', () => {
    const underCi = cdcctl(['connectors', 'status', '--env', 'no-such-env'], { CI: 'true', FORCE_COLOR: undefined, NO_COLOR: undefined });
    expect(underCi.stderr).toContain('error: unknown environment');
    expect(underCi.stderr).not.toContain(ESCAPE);
    const forced = cdcctl(['connectors', 'status', '--env', 'no-such-env'], { FORCE_COLOR: '1', NO_COLOR: undefined });
    expect(forced.stderr).toContain(`${ESCAPE}31merror`);
    const refused = cdcctl(['--no-color', 'connectors', 'status', '--env', 'no-such-env'], { FORCE_COLOR: '1', NO_COLOR: undefined });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^error: unknown environment/);
  });
});

describe('CDCCTL_RETRIES', () => {
  it('takes a whole number from 0 to 20 and refuses anything else instead of turning retries off', () => {
    expect(retriesFrom(undefined)).toBeUndefined();
    expect(retriesFrom('0')).toBe(0);
    expect(retriesFrom('20')).toBe(20);
    for (const bad of ['abc', '-1', '2.5', '21', ' 3']) expect(() => retriesFrom(bad)).toThrow('CDCCTL_RETRIES must be a whole number from 0 to 20');
    const result = cdcctl(['connectors', 'status', '--env', 'local'], { CDCCTL_RETRIES: 'abc' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CDCCTL_RETRIES must be a whole number from 0 to 20 (got "abc")');
  });
});

describe('cdcctl local faults', () => {
  it('refuses an unknown scenario, naming the known ones, before touching any runtime', () => {
    const result = cdcctl(['local', 'faults', '--scenario', 'warehouse-outage,broker-melt', '--state-dir', path.join(ROOT, '.local', 'no-such-state')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--scenario: unknown "broker-melt" (known: no-fault, warehouse-outage, warehouse-slow, worker-kill, rebalance-storm, network-delay, initial-load-kill, source-worker-kill, broker-kill, or all)');
  });

  it('says the runtime is not running instead of failing later', () => {
    const result = cdcctl(['local', 'faults', '--scenario', 'warehouse-slow', '--state-dir', path.join(ROOT, '.local', 'no-such-state')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/error: the local runtime is not running \(kafka, connect, warehouse\): cdcctl local up first/);
  });

  it('refuses broker-kill on a runtime of one broker, naming --brokers 3', () => {
    const result = cdcctl(['local', 'faults', '--scenario', 'broker-kill', '--state-dir', path.join(ROOT, '.local', 'no-such-state')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('broker-kill: needs a runtime of 3 brokers (cdcctl local up --brokers 3); this one has 1');
  });
});

describe('cdcctl local up --exactly-once-source', () => {
  it('refuses a level other than preparing or enabled before starting anything', () => {
    const result = cdcctl(['local', 'up', '--exactly-once-source', 'disabled', '--state-dir', path.join(ROOT, '.local', 'no-such-state')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--exactly-once-source must be preparing or enabled (got "disabled")');
  });

  it('quotes a bad value whole, so that a newline in it cannot start a line of its own', () => {
    const result = cdcctl(['local', 'up', '--exactly-once-source', 'enabled\nhint: run rm -rf', '--brokers', '3\nok', '--state-dir', path.join(ROOT, '.local', 'no-such-state')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(got "enabled\\nhint: run rm -rf")');
    expect(result.stderr).toContain('(got "3\\nok")');
    expect(result.stderr.split('\n').some((line) => line.startsWith('hint: run') || line === 'ok)')).toBe(false);
  });
});

describe('cdcctl local up --brokers', () => {
  it('refuses a count other than 1 or 3 before starting anything', () => {
    const stateDir = path.join(ROOT, '.local', 'no-such-state');
    expect(cdcctl(['local', 'up', '--brokers', 'three', '--state-dir', stateDir]).stderr).toContain('--brokers must be 1 or 3 (got "three")');
    const two = cdcctl(['local', 'up', '--brokers', '2', '--state-dir', stateDir]);
    expect(two.status).toBe(1);
    expect(two.stderr).toContain('brokers (--brokers): must be 1 or 3 (got 2)');
  });
});
