import { ensurePrometheusInstalled } from '../../local/prometheus';
import { down, up } from '../../local/runtime';
import { applyWarehouseMigrations } from '../../warehouse/migrate';
import { testRuntimeOptions, writeTestRuntime } from './support/runtime';

/**
 * Brings up the integration tests' runtime (`.local/test`, ports of its own): Maven artifacts when
 * missing, Kafka, PostgreSQL, Connect with the real plugins, and Prometheus — installed from
 * Debian's package when missing, because tests check what it scrapes. Anything it cannot provide
 * fails the run with what to install; nothing is skipped.
 *
 * CDC_TEST_KEEP_RUNTIME=1 keeps the runtime running after the run, and a later run reuses it.
 */
export default async function globalSetup(): Promise<void> {
  const log = (message: string) => process.stderr.write(`[test runtime] ${message}\n`);
  process.stderr.write('\n');
  ensurePrometheusInstalled(log);
  const options = testRuntimeOptions(log);
  try {
    const { status } = await up(options);
    const notRunning = Object.entries(status.services).filter(([, service]) => service.state !== 'running' && service.state !== 'external');
    if (notRunning.length > 0) {
      throw new Error(`the test runtime is incomplete: ${notRunning.map(([name, service]) => `${name} is ${service.state}${service.note ? ` (${service.note})` : ''}`).join(', ')}`);
    }
    const warehouseUrl = status.services.warehouse.url;
    if (!warehouseUrl) throw new Error('the test runtime has no warehouse URL');
    const applied = await applyWarehouseMigrations(warehouseUrl);
    log(applied.length > 0 ? `warehouse migrations applied: ${applied.join(', ')}` : 'warehouse migrations: all applied before');
    writeTestRuntime({
      kafka: { bootstrapServers: status.services.kafka.url as string },
      connect: { url: status.services.connect.url as string, metricsUrl: status.services.connect.metricsUrl as string },
      warehouse: { url: warehouseUrl },
      prometheus: status.services.prometheus.url ? { url: status.services.prometheus.url } : undefined,
      stateDir: status.stateDir,
    });
  } catch (error) {
    // Jest runs no teardown when the set-up fails: stop here what was started, unless asked to keep it.
    if (process.env.CDC_TEST_KEEP_RUNTIME !== '1') await down(options).catch(() => undefined);
    throw error;
  }
}
