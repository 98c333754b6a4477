import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { LocalRuntimeError } from './options';

/**
 * Prometheus from Debian's `prometheus` package (which also brings promtool). The local runtime
 * runs it when present and skips it otherwise; the integration tests install it (as root) because
 * they check the metrics it scrapes.
 */

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
export const PROMETHEUS_PACKAGE = 'prometheus';
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** The binary when installed: PROMETHEUS_BIN when set, else Debian's. */
export function findPrometheus(): string | undefined {
  const candidate = process.env.PROMETHEUS_BIN ?? PROMETHEUS_BINARY;
  return fs.existsSync(candidate) ? candidate : undefined;
}

export const PROMETHEUS_MISSING_HINT = `install Debian's "${PROMETHEUS_PACKAGE}" package (apt-get install --no-install-recommends ${PROMETHEUS_PACKAGE}) for the local Prometheus and promtool`;

/**
 * Installs Debian's package when the binary is missing and we are root; otherwise fails with what
 * to install. The package must not start its own service (it would take port 9090 and scrape
 * nothing of ours): while apt runs, a policy-rc.d that forbids starting services is in place unless
 * one already is.
 */
export function ensurePrometheusInstalled(onProgress: (message: string) => void): string {
  const existing = findPrometheus();
  if (existing) return existing;
  if (os.userInfo().uid !== 0) {
    throw new LocalRuntimeError(`Prometheus is not installed (${PROMETHEUS_BINARY} is missing) and this process is not root, so it cannot install it`, PROMETHEUS_MISSING_HINT);
  }
  const placedPolicy = !fs.existsSync(POLICY_RC_D);
  if (placedPolicy) fs.writeFileSync(POLICY_RC_D, '#!/bin/sh\n# Placed by the local runtime while installing prometheus: start no services.\nexit 101\n', { mode: 0o755 });
  try {
    onProgress(`installing Debian's ${PROMETHEUS_PACKAGE} package (apt-get update, then apt-get install)`);
    const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update'], { encoding: 'utf8', env: environment });
    if (update.status !== 0) throw new LocalRuntimeError(`apt-get update failed (exit ${update.status}): ${lastLines(update.stderr)}`, PROMETHEUS_MISSING_HINT);
    const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', PROMETHEUS_PACKAGE], { encoding: 'utf8', env: environment });
    if (install.status !== 0) throw new LocalRuntimeError(`apt-get install ${PROMETHEUS_PACKAGE} failed (exit ${install.status}): ${lastLines(install.stderr)}`, PROMETHEUS_MISSING_HINT);
  } finally {
    if (placedPolicy) fs.rmSync(POLICY_RC_D, { force: true });
  }
  const installed = findPrometheus();
  if (!installed) throw new LocalRuntimeError(`apt-get installed ${PROMETHEUS_PACKAGE} but ${PROMETHEUS_BINARY} is still missing`, PROMETHEUS_MISSING_HINT);
  return installed;
}

function lastLines(text: string | null): string {
  return (text ?? '').trim().split('\n').slice(-5).join(' | ');
}
