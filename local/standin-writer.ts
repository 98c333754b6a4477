import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as net from 'node:net';
import * as readline from 'node:readline';
import * as path from 'node:path';
import { z } from 'zod';
import { STANDIN_CONNECTION_STRING_ENV, versions } from '../config';
import { canonicalJson, type BsonDocument, type BsonValue } from '../connectors/contracts/bson';
import type { MongoDocument } from './debezium-events';
import { javaCommand } from './install';
import { LocalRuntimeError, type RuntimeLayout } from './options';
import type { DetachedCommand } from './processes';
import type { SampleChange } from './sample-data';

/**
 * The local MongoDB STAND-IN: mongo-java-server (an in-memory emulator, NOT MongoDB) with its oplog
 * on, built from local/standin, and its writer (inserts, updates, replaces, deletes through the
 * MongoDB Java driver, since no MongoDB client is installed for Node). What it cannot prove is
 * listed in the README: replica sets, snapshots, resume after oplog rollover, exact event shapes,
 * transactions, pre/post images.
 */

const MAIN_CLASS = 'mongocdc.standin.MongoStandIn';

/** Shown by `cdcctl local status` beside the service, so nobody takes it for MongoDB. */
export const STANDIN_NOTE = `stand-in: mongo-java-server ${versions.mongoJavaServer}, in memory, not MongoDB`;

export function standInConnectionString(port: number): string {
  return `mongodb://127.0.0.1:${port}`;
}

/** What the Connect worker needs to resolve the `local-standin` environment's connection string. */
export function standInWorkerEnvironment(port: number): Record<string, string> {
  return { [STANDIN_CONNECTION_STRING_ENV]: standInConnectionString(port) };
}

function javaArguments(layout: Pick<RuntimeLayout, 'standInLibDir'>, heap: string, mode: readonly string[]): string[] {
  // slf4j finds no logging provider on this classpath by design: say so once, quietly.
  return [heap, '-Dslf4j.internal.verbosity=ERROR', '-cp', `${path.join(layout.standInLibDir, '*')}`, MAIN_CLASS, ...mode];
}

export interface StandInServeOptions {
  readonly port: number;
  /** Oplog entries older than this are removed, as from a capped oplog; a stream behind them fails (ChangeStreamHistoryLost). @default 300 */
  readonly oplogRetentionSeconds?: number;
  /**
   * `mongo-java-server`: its own oplog (CollectionBackedOplog, never trimmed), which scans and sorts
   * the whole oplog on every read: only the baseline of bench/standin-oplog.ts. @default 'indexed'
   */
  readonly oplog?: 'indexed' | 'mongo-java-server';
}

/**
 * The stand-in holds every document and its oplog in its heap (a copy of each inserted document for
 * the retention window). The faults table's two minutes at 1,000 orders a second (120,000 orders with
 * line items, and their copies in the oplog) filled 2 GiB: 15 full collections took 54 s and the
 * writes and change streams stalled behind them. 6 GiB is a ceiling, not a reservation.
 */
export function standInServeCommand(layout: RuntimeLayout, options: StandInServeOptions): Omit<DetachedCommand, 'logFile'> {
  const retention = options.oplogRetentionSeconds === undefined ? [] : ['--oplog-retention-seconds', String(options.oplogRetentionSeconds)];
  const oplog = options.oplog === undefined ? [] : ['--oplog', options.oplog];
  return { command: javaCommand(), args: javaArguments(layout, '-Xmx6g', ['serve', '--port', String(options.port), ...retention, ...oplog]), cwd: layout.stateDir };
}

/** The stand-in accepts connections (it binds only once its oplog is on). */
export function standInReady(port: number): Promise<true | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no answer on 127.0.0.1:${port} within 2 s`);
    });
    socket.once('error', (error) => resolve(`127.0.0.1:${port}: ${error.message}`));
  });
}

// ─── Writing to the stand-in ───────────────────────────────────────────────────────────────────────

export type StandInOperation =
  | { readonly op: 'insert'; readonly database: string; readonly collection: string; readonly document: MongoDocument }
  | { readonly op: 'update'; readonly database: string; readonly collection: string; readonly id: BsonValue; readonly set: BsonDocument }
  | { readonly op: 'replace'; readonly database: string; readonly collection: string; readonly document: MongoDocument }
  | { readonly op: 'delete'; readonly database: string; readonly collection: string; readonly id: BsonValue }
  /** Frees the stand-in's memory (it holds everything in its heap): benches and tests drop their databases. */
  | { readonly op: 'dropDatabase'; readonly database: string };

export interface WriteAcknowledgement {
  /** Documents the operation matched (0: an update or delete of a document that does not exist). */
  readonly matched: number;
  /** When the stand-in acknowledged the write (ms since epoch, the writer's clock = this machine's). */
  readonly acknowledgedAtMs: number;
}

export interface StandInWriter {
  write(operation: StandInOperation): Promise<WriteAcknowledgement>;
  /** Ends the writer's JVM once every pending write is answered. */
  close(): Promise<void>;
}

/** One operation as the writer's input line (canonical extended JSON: every BSON type stays its type). */
export function operationLine(operation: StandInOperation): string {
  if (operation.op === 'dropDatabase') return `{"op": "dropDatabase", "database": ${JSON.stringify(operation.database)}}`;
  const head = `"op": ${JSON.stringify(operation.op)}, "database": ${JSON.stringify(operation.database)}, "collection": ${JSON.stringify(operation.collection)}`;
  switch (operation.op) {
    case 'insert':
    case 'replace':
      return `{${head}, "document": ${canonicalJson(operation.document)}}`;
    case 'update':
      return `{${head}, "id": ${canonicalJson(operation.id)}, "set": ${canonicalJson(operation.set)}}`;
    case 'delete':
      return `{${head}, "id": ${canonicalJson(operation.id)}}`;
  }
}

/** The sample business day (local/sample-data.ts) as writes to the stand-in. */
export function standInOperations(changes: readonly SampleChange[], databaseOf: (collection: SampleChange['collection']) => string): StandInOperation[] {
  return changes.map(({ collection, operation }): StandInOperation => {
    const target = { database: databaseOf(collection), collection };
    switch (operation.kind) {
      case 'insert':
      case 'snapshot':
        return { op: 'insert', ...target, document: operation.document };
      case 'update':
        return { op: 'update', ...target, id: operation.document._id, set: operation.updatedFields };
      case 'replace':
        return { op: 'replace', ...target, document: operation.document };
      case 'delete':
        return { op: 'delete', ...target, id: operation.id };
    }
  });
}

const answerSchema = z.union([
  z.object({ seq: z.number(), ok: z.literal(true), matched: z.number(), at: z.number() }),
  z.object({ seq: z.number(), ok: z.literal(false), error: z.string() }),
]);

/**
 * Starts the writer (one JVM, one connection) and sends it operations; each write resolves with the
 * stand-in's acknowledgement, in order. A failed write rejects with the driver's message.
 */
export function openStandInWriter(layout: Pick<RuntimeLayout, 'standInLibDir'>, connectionString: string): StandInWriter {
  const child: ChildProcessWithoutNullStreams = spawn(javaCommand(), javaArguments(layout, '-Xmx256m', ['write', '--connection-string', connectionString]), { stdio: 'pipe' });
  const pending: Array<{ resolve: (ack: WriteAcknowledgement) => void; reject: (error: Error) => void; line: string }> = [];
  let stderr = '';
  let exited: Error | undefined;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-4_000);
  });
  const failAll = (error: Error) => {
    exited = error;
    for (const waiting of pending.splice(0)) waiting.reject(error);
  };
  child.once('error', (error) => failAll(new LocalRuntimeError(`cannot start the stand-in writer: ${error.message}`, 'cdcctl local install')));
  child.once('exit', (code) => failAll(new LocalRuntimeError(`the stand-in writer exited (code ${code})${stderr ? `: ${stderr.trim()}` : ''}`)));
  readline.createInterface({ input: child.stdout }).on('line', (answer) => {
    const waiting = pending.shift();
    if (!waiting) return;
    let parsed: z.infer<typeof answerSchema> | undefined;
    try {
      parsed = answerSchema.parse(JSON.parse(answer));
    } catch {
      parsed = undefined;
    }
    if (!parsed) waiting.reject(new LocalRuntimeError(`the stand-in writer answered something unexpected: ${answer}`));
    else if (parsed.ok) waiting.resolve({ matched: parsed.matched, acknowledgedAtMs: parsed.at });
    else waiting.reject(new LocalRuntimeError(`the stand-in refused a write: ${parsed.error} (operation: ${waiting.line})`));
  });
  return {
    write(operation) {
      if (exited) return Promise.reject(exited);
      const line = operationLine(operation);
      return new Promise((resolve, reject) => {
        pending.push({ resolve, reject, line });
        child.stdin.write(`${line}\n`);
      });
    },
    close() {
      return new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      });
    },
  };
}
