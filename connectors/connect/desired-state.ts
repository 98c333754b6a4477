import type { ConnectorState } from '../render';
import type { ConnectorStatus } from './client';

/**
 * The one rule for "a connector reached the state this repository wants", used by apply, offsets
 * restore and the GitOps health gate alike:
 * - RUNNING: the connector and at least one task RUNNING, every task RUNNING;
 * - PAUSED: the connector PAUSED and every task PAUSED;
 * - STOPPED: the connector STOPPED with no tasks (Connect removes a stopped connector's tasks).
 * On the way to RUNNING or PAUSED a FAILED connector or task is a failure that waiting does not mend.
 * On the way to STOPPED it does not count: a stop takes a failed connector and its tasks down anyway.
 */
export type Progress = 'reached' | 'waiting' | 'failed';

export function progressTowards(status: ConnectorStatus | undefined, desired: ConnectorState): Progress {
  if (!status) return 'waiting';
  const { tasks } = status;
  if (desired !== 'STOPPED' && (status.connector.state === 'FAILED' || tasks.some((task) => task.state === 'FAILED'))) return 'failed';
  if (status.connector.state !== desired) return 'waiting';
  if (desired === 'STOPPED') return tasks.length === 0 ? 'reached' : 'waiting';
  if (desired === 'RUNNING' && tasks.length === 0) return 'waiting';
  return tasks.every((task) => task.state === desired) ? 'reached' : 'waiting';
}

/** One line per FAILED part (`<name>: connector FAILED: <cause>`, `<name>: task 0 FAILED: <cause>`). */
export function failures(name: string, status: ConnectorStatus | undefined): string[] {
  if (!status) return [];
  const lines: string[] = [];
  if (status.connector.state === 'FAILED') lines.push(`${name}: connector FAILED${causeSuffix(status.connector.trace)}`);
  for (const task of status.tasks.filter((candidate) => candidate.state === 'FAILED')) lines.push(`${name}: task ${task.id} FAILED${causeSuffix(task.trace)}`);
  return lines;
}

/** What is not yet as wanted, in one line (`RUNNING (tasks 0:PAUSED), wants PAUSED`). */
export function describeWaiting(status: ConnectorStatus | undefined, desired: ConnectorState): string {
  if (!status) return `no status yet, wants ${desired}`;
  const tasks = status.tasks.map((task) => `${task.id}:${task.state}`).join(' ') || 'none';
  return `${status.connector.state} (tasks ${tasks}), wants ${desired}`;
}

/**
 * The root cause of a Java stack trace: the message of its last `Caused by:`, else its first line.
 * Connect wraps a plugin's error in one or more ConnectExceptions; the last cause names what broke.
 */
export function rootCause(trace: string | undefined): string {
  if (!trace) return '';
  const causes = trace.split('\n').filter((line) => line.startsWith('Caused by: '));
  const line = causes.length ? causes[causes.length - 1]!.slice('Caused by: '.length) : trace.split('\n')[0]!;
  return line.trim();
}

/** The root cause of the first failed part of a connector (the connector itself, else its first failed task). */
export function firstFailureCause(status: ConnectorStatus): string {
  const trace = status.connector.state === 'FAILED' ? status.connector.trace : status.tasks.find((task) => task.state === 'FAILED')?.trace;
  return rootCause(trace ?? status.connector.trace ?? status.tasks.find((task) => task.trace)?.trace);
}

function causeSuffix(trace: string | undefined): string {
  const cause = rootCause(trace);
  return cause ? `: ${cause}` : '';
}
