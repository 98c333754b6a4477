import { down } from '../../local/runtime';
import { removeTestRuntime, testRuntimeOptions } from './support/runtime';

/**
 * Stops the test runtime (every process recorded in `.local/test`, and nothing else) and deletes its
 * data, unless CDC_TEST_KEEP_RUNTIME=1 asks to keep it for the next run.
 */
export default async function globalTeardown(): Promise<void> {
  const log = (message: string) => process.stderr.write(`[test runtime] ${message}\n`);
  if (process.env.CDC_TEST_KEEP_RUNTIME === '1') {
    log('kept running (CDC_TEST_KEEP_RUNTIME=1); stop it with: npx cdcctl local down --state-dir .local/test');
    return;
  }
  removeTestRuntime();
  // The data goes too: the next run starts from empty topics and tables, as on a fresh machine.
  await down(testRuntimeOptions(log), { purgeData: true });
}
