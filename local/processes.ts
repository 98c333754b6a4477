import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { waitUntil } from '../connectors/connect/poll';
import { LocalRuntimeError } from './options';
import { isRecordedProcessAlive, processStartMarker, tailFile, type RecordedProcess } from './state';

/** Process handling for the local runtime: detached starts, exact stops, readiness waits, port checks. */

export interface DetachedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this OS user (root starting PostgreSQL as `postgres`). */
  readonly uid?: number;
  readonly gid?: number;
  /** @default 'SIGTERM' */
  readonly stopSignal?: 'SIGTERM' | 'SIGINT';
}

/**
 * Starts a process that outlives this one: its own session (no hang-up when the terminal closes),
 * stdout and stderr appended to its log file, no handle kept by Node.
 */
export async function startDetached(command: DetachedCommand): Promise<RecordedProcess> {
  fs.mkdirSync(path.dirname(command.logFile), { recursive: true });
  const log = fs.openSync(command.logFile, 'a');
  fs.writeSync(log, `\n=== ${new Date().toISOString()} starting: ${[path.basename(command.command), ...command.args].join(' ')}\n`);
  try {
    const child = spawn(command.command, [...command.args], {
      cwd: command.cwd,
      env: command.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
      uid: command.uid,
      gid: command.gid,
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', (error) => reject(new LocalRuntimeError(`cannot start ${command.command}: ${error.message}`)));
    });
    child.unref();
    const startMarker = processStartMarker(pid);
    if (!startMarker) {
      throw new LocalRuntimeError(`${path.basename(command.command)} exited at once; its log (${command.logFile}) ends with:\n${tailFile(command.logFile, 20)}`);
    }
    return { pid, startMarker, startedAt: new Date().toISOString(), stopSignal: command.stopSignal ?? 'SIGTERM' };
  } finally {
    fs.closeSync(log);
  }
}

/** Runs a command to completion with its output appended to a log file; throws with the log's tail on failure. */
export function runToCompletion(command: string, args: readonly string[], logFile: string, options: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number; what: string }): void {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  fs.writeSync(log, `\n=== ${new Date().toISOString()} ${options.what}: ${[path.basename(command), ...args].join(' ')}\n`);
  try {
    const result = spawnSync(command, [...args], { stdio: ['ignore', log, log], env: options.env ?? process.env, uid: options.uid, gid: options.gid });
    if (result.error) throw new LocalRuntimeError(`${options.what}: cannot run ${command}: ${result.error.message}`);
    if (result.status !== 0) {
      throw new LocalRuntimeError(`${options.what} failed (exit ${result.status ?? result.signal}); ${logFile} ends with:\n${tailFile(logFile, 20)}`);
    }
  } finally {
    fs.closeSync(log);
  }
}

/** Every `everyMs` while a command runs: how long it has run so far. */
export interface Ticks {
  readonly everyMs: number;
  readonly onTick: (elapsedMs: number) => void;
}

/**
 * As runToCompletion, without blocking: `ticks.onTick` is called every `ticks.everyMs` while the
 * command runs (a long Maven download says how it is going instead of being silent).
 */
export async function runToCompletionWithTicks(command: string, args: readonly string[], logFile: string, options: { what: string; ticks: Ticks }): Promise<void> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  fs.writeSync(log, `\n=== ${new Date().toISOString()} ${options.what}: ${[path.basename(command), ...args].join(' ')}\n`);
  const started = Date.now();
  const timer = setInterval(() => options.ticks.onTick(Date.now() - started), options.ticks.everyMs);
  try {
    const child = spawn(command, [...args], { stdio: ['ignore', log, log], env: process.env });
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', (error) => reject(new LocalRuntimeError(`${options.what}: cannot run ${command}: ${error.message}`)));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    if (ended.code !== 0) throw new LocalRuntimeError(`${options.what} failed (exit ${ended.code ?? ended.signal}); ${logFile} ends with:\n${tailFile(logFile, 20)}`);
  } finally {
    clearInterval(timer);
    fs.closeSync(log);
  }
}

/**
 * Stops one recorded process: the polite signal, then SIGKILL after `timeoutMs`. A pid whose start
 * time no longer matches the record belongs to someone else now and is left alone.
 * @returns how it ended
 */
export async function stopRecordedProcess(recorded: RecordedProcess, timeoutMs: number): Promise<'stopped' | 'killed' | 'already-gone'> {
  if (!isRecordedProcessAlive(recorded)) return 'already-gone';
  signal(recorded.pid, recorded.stopSignal);
  if (await waitUntil(() => !isRecordedProcessAlive(recorded), timeoutMs, 100)) return 'stopped';
  if (isRecordedProcessAlive(recorded)) signal(recorded.pid, 'SIGKILL');
  await waitUntil(() => !isRecordedProcessAlive(recorded), 10_000, 100);
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** True when nothing listens on 127.0.0.1:<port> and we may bind it. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A loopback port free at the time of asking (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Waits until `isReady` says so, failing early (with the log's tail) when the process dies, and
 * after `timeoutMs` with the last reason `isReady` gave.
 */
export async function waitForReady(
  service: string,
  recorded: RecordedProcess,
  logFile: string,
  timeoutMs: number,
  isReady: () => Promise<true | string>,
): Promise<void> {
  let lastReason = 'not checked yet';
  const ready = await waitUntil(
    async () => {
      if (!isRecordedProcessAlive(recorded)) {
        throw new LocalRuntimeError(`${service} exited while starting; ${logFile} ends with:\n${tailFile(logFile, 30)}`, `cdcctl local logs ${service}`);
      }
      const result = await isReady().catch((error: Error) => error.message);
      if (result === true) return true;
      lastReason = result;
      return false;
    },
    timeoutMs,
    250,
  );
  if (!ready) {
    throw new LocalRuntimeError(
      `${service} did not become ready within ${Math.round(timeoutMs / 1000)} s (last check: ${lastReason}); ${logFile} ends with:\n${tailFile(logFile, 30)}`,
      `it still runs as pid ${recorded.pid}: see cdcctl local logs ${service}, then cdcctl local down`,
    );
  }
}
