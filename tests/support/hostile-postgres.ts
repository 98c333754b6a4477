import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Two PostgreSQL servers a real one cannot be made to be, on 127.0.0.1: one that accepts the
 * connection and never says a word, and one that logs any client in (PostgreSQL's wire protocol, as
 * little of it as a login takes) and then never answers a query. Each records the startup parameters
 * the client sent (`statement_timeout`, say).
 */
export interface HostilePostgres {
  readonly url: string;
  /** The startup message's parameters, one record per connection. */
  readonly startups: Array<Record<string, string>>;
  close(): Promise<void>;
}

/** The startup message: length, protocol version, then NUL-terminated name/value pairs. */
function startupParameters(message: Buffer): Record<string, string> {
  const fields = message.subarray(8).toString('utf8').split('\u0000');
  const parameters: Record<string, string> = {};
  for (let index = 0; index + 1 < fields.length && fields[index]; index += 2) parameters[fields[index]!] = fields[index + 1]!;
  return parameters;
}

/** AuthenticationOk, then ReadyForQuery (idle). */
const LOGGED_IN = Buffer.concat([Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]), Buffer.from([0x5a, 0, 0, 0, 5, 0x49])]);

async function listen(onConnection: (socket: Socket, startups: Array<Record<string, string>>) => void): Promise<HostilePostgres> {
  const startups: Array<Record<string, string>> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket, startups);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgres://validator@127.0.0.1:${port}/warehouse`,
    startups,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Accepts, reads, never answers. */
export function startSilentPostgres(): Promise<HostilePostgres> {
  return listen((socket) => socket.resume());
}

/** Logs the client in, then reads its queries and never answers one. */
export function startStalledPostgres(): Promise<HostilePostgres> {
  return listen((socket, startups) => {
    socket.once('data', (message: Buffer) => {
      startups.push(startupParameters(message));
      socket.write(LOGGED_IN);
      socket.resume();
    });
  });
}
