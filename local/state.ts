import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { EXACTLY_ONCE_SOURCE_LEVELS } from '../config/delivery';
import { LocalRuntimeError, SERVICES, type ResolvedPorts } from './options';

/**
 * What the local runtime recorded about its processes (`<stateDir>/state.json`): the pid of each
 * process it started, with the process' start time so that a pid reused by another program after a
 * crash is never taken for ours (and never signalled).
 */

const recordedProcessSchema = z.object({
  pid: z.number().int().positive(),
  /** Start time as the OS reports it (`/proc/<pid>/stat` field 22, or `ps -o lstart`). */
  startMarker: z.string().min(1),
  startedAt: z.string(),
  /** Signal that asks the process to stop cleanly (PostgreSQL's fast shutdown is SIGINT). */
  stopSignal: z.enum(['SIGTERM', 'SIGINT']),
});
export type RecordedProcess = z.infer<typeof recordedProcessSchema>;

const stateSchema = z.object({
  version: z.literal(1),
  ports: z.object({
    kafka: z.number(),
    kafkaController: z.number(),
    connect: z.number(),
    connectJmx: z.number(),
    prometheus: z.number(),
    postgres: z.number(),
    /** Absent in state files written before the MongoDB stand-in existed: the resolved port fills in. */
    mongodb: z.number().optional(),
    /** Absent in state files written before the supervisor ran locally: the resolved port fills in. */
    supervisor: z.number().optional(),
    /** Absent in state files written before the delay proxy between Connect and Kafka: the resolved ports fill in. */
    kafkaConnectListener: z.number().optional(),
    kafkaProxy: z.number().optional(),
    kafkaProxyControl: z.number().optional(),
  }),
  runtimeDir: z.string(),
  /** The KRaft cluster id the storage was formatted with. */
  kafkaClusterId: z.string().optional(),
  /** The Kafka nodes the runtime runs (and its storage was formatted for); absent before there could be more than one. */
  brokers: z.number().int().positive().default(1),
  /** Set when the warehouse is a server of the user's (DATABASE_URL), not one this tool runs. */
  externalWarehouse: z.boolean().default(false),
  /** The Connect worker's exactly.once.source.support; a state file from before it was recorded: the local environment's. */
  exactlyOnceSource: z.enum(EXACTLY_ONCE_SOURCE_LEVELS).optional(),
  processes: z.partialRecord(z.enum(SERVICES), recordedProcessSchema).default({}),
});
export type RuntimeState = z.infer<typeof stateSchema>;

export function emptyState(ports: ResolvedPorts, runtimeDir: string, brokers = 1): RuntimeState {
  return { version: 1, ports, runtimeDir, brokers, externalWarehouse: false, processes: {} };
}

export function readState(stateFile: string): RuntimeState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const remedy = 'stop the processes listed in it by hand if any still run, then delete the file';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LocalRuntimeError(`${stateFile}: not a state file: ${(error as Error).message.split('\n')[0]}`, remedy);
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new LocalRuntimeError(`${stateFile}: not a state file of this version (${fields})`, remedy);
  }
  return parsed.data;
}

/** Written to a temporary file and renamed, so a reader never sees half a file. */
export function writeState(stateFile: string, state: RuntimeState): void {
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  const temporary = `${stateFile}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(temporary, stateFile);
}

/**
 * The process' start time, which together with the pid identifies one process for the machine's
 * uptime. Undefined when no such process lives (a zombie counts as gone).
 */
export function processStartMarker(pid: number): string | undefined {
  if (process.platform === 'linux') {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return undefined;
    }
    // The command name (field 2) may hold spaces and parentheses: fields after it follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (state === 'Z' || state === 'X') return undefined;
    return fields[19];
  }
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return started || undefined;
  } catch {
    return undefined;
  }
}

/** True when the recorded process still runs (same pid, same start time). */
export function isRecordedProcessAlive(recorded: RecordedProcess): boolean {
  return processStartMarker(recorded.pid) === recorded.startMarker;
}

export type ServiceState = 'running' | 'stopped' | 'crashed';

/** running: recorded and alive · crashed: recorded but gone (it did not stop through `down`) · stopped: not recorded. */
export function classifyService(recorded: RecordedProcess | undefined): ServiceState {
  if (!recorded) return 'stopped';
  return isRecordedProcessAlive(recorded) ? 'running' : 'crashed';
}

/** The last `lines` lines of a log file ('' when there is none); reads at most the last 256 KiB. */
export function tailFile(file: string, lines: number): string {
  let handle: number;
  try {
    handle = fs.openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fs.fstatSync(handle).size;
    const length = Math.min(size, 256 * 1024);
    const buffer = Buffer.alloc(length);
    fs.readSync(handle, buffer, 0, length, size - length);
    const text = buffer.toString('utf8').replace(/\n$/, '');
    if (lines <= 0 || text === '') return '';
    return text.split('\n').slice(-lines).join('\n');
  } finally {
    fs.closeSync(handle);
  }
}

/**
 * Runs `action` holding `<lockFile>` (created exclusively, holding our pid and start time). A lock
 * left by a process that is gone is taken over. One held by a live process is waited for up to
 * `waitMs`, then reported as an error naming that pid.
 */
export async function withLock<T>(lockFile: string, what: string, action: () => Promise<T>, waitMs = 0): Promise<T> {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const mine = JSON.stringify({ pid: process.pid, startMarker: processStartMarker(process.pid) });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, mine, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new LocalRuntimeError(`${what}: cannot take the lock ${lockFile} (${(error as Error).message})`);
      const holder = readLockHolder(lockFile);
      if (holder && processStartMarker(holder.pid) === holder.startMarker) {
        if (Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          continue;
        }
        throw new LocalRuntimeError(`${what}: another cdcctl (pid ${holder.pid}) is working on ${path.dirname(lockFile)}`, 'wait for it to finish, or use another --state-dir');
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  try {
    return await action();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

function readLockHolder(lockFile: string): { pid: number; startMarker?: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number; startMarker?: string };
  } catch {
    return undefined;
  }
}
