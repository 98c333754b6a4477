import * as fs from 'node:fs';
import * as os from 'node:os';
import { installDebianPackage } from './debian-package';
import { LocalRuntimeError } from './options';

/**
 * Prometheus from Debian's `prometheus` package (which also brings promtool). The local runtime
 * runs it when present and skips it otherwise; the integration tests install it (as root) because
 * they check the metrics it scrapes.
 */

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
export const PROMETHEUS_PACKAGE = 'prometheus';

/** The binary when installed: PROMETHEUS_BIN when set, else Debian's. */
export function findPrometheus(): string | undefined {
  const candidate = process.env.PROMETHEUS_BIN ?? PROMETHEUS_BINARY;
  return fs.existsSync(candidate) ? candidate : undefined;
}

export const PROMETHEUS_MISSING_HINT = `install Debian's "${PROMETHEUS_PACKAGE}" package (apt-get install --no-install-recommends ${PROMETHEUS_PACKAGE}) for the local Prometheus and promtool`;

/**
 * Installs Debian's package when the binary is missing and we are root; otherwise fails with what
 * to install.
 */
export function ensurePrometheusInstalled(onProgress: (message: string) => void): string {
  const existing = findPrometheus();
  if (existing) return existing;
  if (os.userInfo().uid !== 0) {
    throw new LocalRuntimeError(`Prometheus is not installed (${PROMETHEUS_BINARY} is missing) and this process is not root, so it cannot install it`, PROMETHEUS_MISSING_HINT);
  }
  installDebianPackage(PROMETHEUS_PACKAGE, PROMETHEUS_MISSING_HINT, onProgress);
  const installed = findPrometheus();
  if (!installed) throw new LocalRuntimeError(`apt-get installed ${PROMETHEUS_PACKAGE} but ${PROMETHEUS_BINARY} is still missing`, PROMETHEUS_MISSING_HINT);
  return installed;
}
