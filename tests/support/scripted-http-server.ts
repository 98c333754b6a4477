import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted HTTP server on 127.0.0.1 for the faults a real Kafka Connect worker cannot be made to
 * produce on demand (a 503 with Retry-After, a lost answer, a rebalance 409 at a chosen moment), and
 * for hostile servers: a redirect elsewhere, an error page full of escapes, a body without end, one
 * byte at a time, or no answer at all. Each request is answered by the next scripted reply for its
 * `METHOD path`, or by the fallback.
 */
export interface ScriptedReply {
  readonly status: number;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as it is (an HTML error page, say), instead of `body`. */
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (longer than the client's timeout: the answer is lost). */
  readonly delayMs?: number;
  /** A body of this many bytes (`endless`: until the client hangs up), written as fast as it is read. */
  readonly flood?: number | 'endless';
  /** One chunk every `everyMs`, without end: never idle for long, never done. */
  readonly drip?: { readonly chunk: string; readonly everyMs: number };
  /** Headers are never sent: the connection is accepted and the request read, then nothing. */
  readonly silent?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  readonly at: number;
  /** Body bytes written in answer so far (a flood or a drip stops when the client hangs up). */
  readonly answer: { bytesSent: number };
}

export interface ScriptedServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queues replies for `METHOD path` (path with its query string). */
  script(route: string, ...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

const FLOOD_CHUNK = Buffer.alloc(64 * 1024, 'a');

/** Writes `bytes` bytes (or without end), waiting for the client to read each chunk; stops when it hangs up. */
function flood(response: ServerResponse, bytes: number | 'endless', answered: { bytesSent: number }): void {
  const more = () => {
    while (!response.destroyed) {
      if (bytes !== 'endless' && answered.bytesSent >= bytes) return void response.end();
      const chunk = bytes === 'endless' ? FLOOD_CHUNK : FLOOD_CHUNK.subarray(0, Math.min(FLOOD_CHUNK.length, bytes - answered.bytesSent));
      answered.bytesSent += chunk.length;
      if (!response.write(chunk)) return void response.once('drain', more);
    }
  };
  more();
}

function drip(response: ServerResponse, { chunk, everyMs }: { chunk: string; everyMs: number }, answered: { bytesSent: number }): void {
  const timer = setInterval(() => {
    if (response.destroyed) return clearInterval(timer);
    answered.bytesSent += Buffer.byteLength(chunk);
    response.write(chunk);
  }, everyMs);
  response.on('close', () => clearInterval(timer));
}

export async function startScriptedServer(fallback: ScriptedReply = { status: 404, body: { error_code: 404, message: 'not scripted' } }): Promise<ScriptedServer> {
  const scripts = new Map<string, ScriptedReply[]>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const route = `${request.method} ${request.url}`;
      const answered = { bytesSent: 0 };
      requests.push({ method: request.method ?? '', path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: request.headers, at: Date.now(), answer: answered });
      const reply = scripts.get(route)?.shift() ?? fallback;
      const answer = () => {
        if (response.destroyed || reply.silent) return;
        response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        if (reply.flood !== undefined) return flood(response, reply.flood, answered);
        if (reply.drip) return drip(response, reply.drip, answered);
        const body = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
        answered.bytesSent = Buffer.byteLength(body);
        response.end(body);
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (route, ...replies) => scripts.set(route, [...(scripts.get(route) ?? []), ...replies]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
