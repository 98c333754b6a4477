import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalRuntimeError } from './options';

/**
 * Programs the local runtime and the tests take from Debian's packages (Prometheus, Chromium):
 * installed with apt when missing and this process is root, else a clear failure saying what to
 * install. Never skipped: a test that needs a program fails without it.
 */

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/**
 * `apt-get update`, then `apt-get install --no-install-recommends <package>`, as root. A package must
 * not start its own service (Prometheus's would take port 9090 and scrape nothing of ours): while apt
 * runs, a policy-rc.d that forbids starting services is in place unless one already is.
 */
export function installDebianPackage(packageName: string, hint: string, onProgress: (message: string) => void): void {
  const placedPolicy = !fs.existsSync(POLICY_RC_D);
  if (placedPolicy) fs.writeFileSync(POLICY_RC_D, `#!/bin/sh\n# Placed by the local runtime while installing ${packageName}: start no services.\nexit 101\n`, { mode: 0o755 });
  try {
    onProgress(`installing Debian's ${packageName} package (apt-get update, then apt-get install)`);
    const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update'], { encoding: 'utf8', env: environment });
    if (update.status !== 0) throw new LocalRuntimeError(`apt-get update failed (exit ${update.status}): ${lastLines(update.stderr)}`, hint);
    const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', packageName], { encoding: 'utf8', env: environment });
    if (install.status !== 0) throw new LocalRuntimeError(`apt-get install ${packageName} failed (exit ${install.status}): ${lastLines(install.stderr)}`, hint);
  } finally {
    if (placedPolicy) fs.rmSync(POLICY_RC_D, { force: true });
  }
}

function lastLines(text: string | null): string {
  return (text ?? '').trim().split('\n').slice(-5).join(' | ');
}

/** The first executable file of that name in the PATH's folders. */
export function findOnPath(command: string, pathVariable: string): string | undefined {
  for (const folder of pathVariable.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(folder, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not there, or not executable: the next folder.
    }
  }
  return undefined;
}

export interface DebianCommand {
  /** The command looked up on PATH, e.g. `chromium`. */
  readonly command: string;
  /** The Debian package that brings it. */
  readonly packageName: string;
  /** What needs it, for the message when it is missing. */
  readonly neededFor: string;
}

export interface EnsureCommandOptions {
  /**
   * Where to look for the command.
   * @default process.env.PATH
   */
  readonly pathVariable?: string;
  /**
   * Whether this process may install packages.
   * @default the user id is 0
   */
  readonly root?: boolean;
  /** @default ignores progress */
  readonly onProgress?: (message: string) => void;
}

/** What to run to get the command, for the error's suggestion. */
export function missingCommandHint(wanted: DebianCommand): string {
  return `install Debian's "${wanted.packageName}" package (as root: apt-get install --no-install-recommends ${wanted.packageName}) for ${wanted.neededFor}`;
}

/** The command's path: found on PATH, else installed from its Debian package when root, else a LocalRuntimeError naming the package. */
export function ensureDebianCommand(wanted: DebianCommand, options: EnsureCommandOptions = {}): string {
  const pathVariable = options.pathVariable ?? process.env.PATH ?? '';
  const root = options.root ?? os.userInfo().uid === 0;
  const onProgress = options.onProgress ?? (() => undefined);
  const existing = findOnPath(wanted.command, pathVariable);
  if (existing) return existing;
  const hint = missingCommandHint(wanted);
  if (!root) throw new LocalRuntimeError(`${wanted.command} is not on PATH, and this process is not root so it cannot install it: ${hint}`, hint);
  installDebianPackage(wanted.packageName, hint, onProgress);
  const installed = findOnPath(wanted.command, pathVariable);
  if (!installed) throw new LocalRuntimeError(`apt-get installed ${wanted.packageName} but ${wanted.command} is still not on PATH`, hint);
  return installed;
}
