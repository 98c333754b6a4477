import * as http from 'node:http';
import * as net from 'node:net';
import { z } from 'zod';

/**
 * A TCP proxy that forwards every chunk after a settable delay, in both directions, in order: the
 * network between the local Connect worker and Kafka. The broker advertises its `CONNECT` listener at
 * this proxy's port (local/config-files.ts), so the worker's clients reconnect through it, not past
 * it. The delay is 0 (a chunk is written at once) until `cdcctl local faults --scenario network-delay`
 * sets it through the control endpoint. A user-space proxy rather than `tc netem`: it needs no root and
 * no CAP_NET_ADMIN, and touches no other process's loopback traffic.
 */

export interface DelayProxyOptions {
  /** Where it listens, on loopback; 0 takes a free port. */
  readonly port: number;
  /** Where it forwards to, on loopback. */
  readonly targetPort: number;
  /** Added to every chunk, in each direction (a round trip gains twice this). @default 0 */
  readonly delayMs?: number;
}

export interface DelayProxyStats {
  /** The delay added to each chunk, each direction, now. */
  readonly delay_ms: number;
  /** Client connections open now. */
  readonly connections: number;
  /** Bytes forwarded since the start, both directions. */
  readonly bytes_forwarded: number;
}

export interface DelayProxy {
  /** The port it listens on (the one asked for, or the one taken for 0). */
  readonly port: number;
  setDelay(delayMs: number): void;
  stats(): DelayProxyStats;
  /** Stops listening and ends every connection. */
  close(): Promise<void>;
}

export const MAX_DELAY_MS = 60_000;

/** Above this many bytes waiting (queued for their time, or in the socket's buffer), the sending side is paused. */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;

interface Counters {
  delayMs: number;
  bytes: number;
}

/**
 * One direction of one connection: each chunk is due `delay` after it arrived and is written when it
 * is due and every earlier chunk was written (so a shortened delay never reorders bytes). The end is
 * passed on after the last chunk; an error or a close without an end destroys the other side.
 */
function forwardDelayed(from: net.Socket, to: net.Socket, counters: Counters): void {
  const queue: { due: number; chunk: Buffer }[] = [];
  let queuedBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const throttle = () => (queuedBytes + to.writableLength > HIGH_WATER_BYTES ? from.pause() : from.resume());
  const flush = () => {
    timer = undefined;
    while (queue.length > 0 && queue[0]!.due <= Date.now()) {
      const { chunk } = queue.shift()!;
      queuedBytes -= chunk.length;
      counters.bytes += chunk.length;
      if (!to.destroyed) to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0]!.due - Date.now());
    else if (ended) to.end();
    throttle();
  };
  from.on('data', (chunk: Buffer) => {
    queue.push({ due: Date.now() + counters.delayMs, chunk });
    queuedBytes += chunk.length;
    if (!timer) flush();
  });
  from.on('end', () => {
    ended = true;
    if (!timer) flush();
  });
  to.on('drain', throttle);
  from.on('close', () => {
    if (!ended) {
      if (timer) clearTimeout(timer);
      to.destroy();
    }
  });
  from.on('error', () => to.destroy());
}

/** Starts the proxy on loopback; resolves once it listens. */
export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const counters: Counters = { delayMs: checkedDelay(options.delayMs ?? 0), bytes: 0 };
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: options.targetPort, allowHalfOpen: true, noDelay: true });
    connections += 1;
    client.on('close', () => (connections -= 1));
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    forwardDelayed(client, upstream, counters);
    forwardDelayed(upstream, client, counters);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    setDelay: (delayMs) => {
      counters.delayMs = checkedDelay(delayMs);
    },
    stats: () => ({ delay_ms: counters.delayMs, connections, bytes_forwarded: counters.bytes }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * Several proxies as one: a delay set on all of them, their connections and bytes summed. The local
 * runtime runs a proxy per broker (a Kafka client reconnects to each broker's advertised address)
 * behind one control endpoint.
 */
export function delayProxyGroup(proxies: readonly DelayProxy[]): Pick<DelayProxy, 'setDelay' | 'stats' | 'close'> {
  if (proxies.length === 0) throw new RangeError('delayProxyGroup: no proxy given');
  return {
    setDelay: (delayMs) => {
      checkedDelay(delayMs);
      for (const proxy of proxies) proxy.setDelay(delayMs);
    },
    stats: () => {
      const all = proxies.map((proxy) => proxy.stats());
      return { delay_ms: all[0]!.delay_ms, connections: all.reduce((sum, stats) => sum + stats.connections, 0), bytes_forwarded: all.reduce((sum, stats) => sum + stats.bytes_forwarded, 0) };
    },
    close: async () => {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    },
  };
}

function checkedDelay(delayMs: number): number {
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) throw new RangeError(`delay_ms: must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS} (got ${delayMs})`);
  return delayMs;
}

// The control endpoint: GET /delay reads the proxy's state, PUT /delay {"delay_ms": n} sets the delay.

const statsSchema = z.object({ delay_ms: z.number().int(), connections: z.number().int(), bytes_forwarded: z.number().int() });
const delayRequestSchema = z.object({ delay_ms: z.number().int().min(0).max(MAX_DELAY_MS) });

/** Serves `GET /delay` and `PUT /delay` for one proxy, or a group of them, on loopback; resolves once it listens. */
export async function serveDelayControl(proxy: Pick<DelayProxy, 'setDelay' | 'stats'>, port: number): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify(body)}\n`);
    };
    if (request.url !== '/delay') return reply(404, { error: 'only /delay is served here' });
    if (request.method === 'GET') return reply(200, proxy.stats());
    if (request.method !== 'PUT') return reply(405, { error: 'GET or PUT /delay' });
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body = (body + chunk).slice(0, 1024)));
    request.on('end', () => {
      const parsed = delayRequestSchema.safeParse(parseJson(body));
      if (!parsed.success) return reply(400, { error: `expected {"delay_ms": 0…${MAX_DELAY_MS}} (got ${JSON.stringify(body.slice(0, 100))})` });
      proxy.setDelay(parsed.data.delay_ms);
      reply(200, proxy.stats());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The proxy's state, from its control endpoint (`http://127.0.0.1:<port>/delay`). */
export async function delayProxyStats(controlUrl: string): Promise<DelayProxyStats> {
  const response = await fetch(controlUrl, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${controlUrl}: HTTP ${response.status}`);
  return statsSchema.parse(await response.json());
}

/** Sets the proxy's delay through its control endpoint; its state afterwards. */
export async function setDelayProxyDelay(controlUrl: string, delayMs: number): Promise<DelayProxyStats> {
  const response = await fetch(controlUrl, { method: 'PUT', body: JSON.stringify({ delay_ms: delayMs }), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${controlUrl}: HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return statsSchema.parse(await response.json());
}
