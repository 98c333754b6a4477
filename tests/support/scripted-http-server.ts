import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted HTTP server on 127.0.0.1 for the faults a real Kafka Connect worker cannot be made to
 * produce on demand (a 503 with Retry-After, a lost answer, a rebalance 409 at a chosen moment).
 * Each request is answered by the next scripted reply for its `METHOD path`, or by the fallback.
 */
export interface ScriptedReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (longer than the client's timeout: the answer is lost). */
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  readonly at: number;
}

export interface ScriptedServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queues replies for `METHOD path` (path with its query string). */
  script(route: string, ...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export async function startScriptedServer(fallback: ScriptedReply = { status: 404, body: { error_code: 404, message: 'not scripted' } }): Promise<ScriptedServer> {
  const scripts = new Map<string, ScriptedReply[]>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const route = `${request.method} ${request.url}`;
      requests.push({ method: request.method ?? '', path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: request.headers, at: Date.now() });
      const reply = scripts.get(route)?.shift() ?? fallback;
      const answer = () => {
        if (response.destroyed) return;
        response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
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
