import { main } from '../../../cli/cdcctl';

export interface CdcctlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * cdcctl in this process, as bin/cdcctl runs it (an error reported as one line and an exit code),
 * with stdout and stderr captured: fast, and a fake worker in the same process can answer it.
 */
export async function runCdcctl(args: readonly string[]): Promise<CdcctlRun> {
  const captured = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      captured[stream] += String(chunk);
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  process.exitCode = undefined;
  try {
    return { code: await main(['node', 'cdcctl', ...args]), ...captured };
  } finally {
    process.exitCode = undefined;
    for (const spy of spies) spy.mockRestore();
  }
}
