import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A FAKE of the few GitHub REST endpoints the pull-request comment uses (list, create and edit issue
 * comments), on a loopback port. GitHub cannot be called from tests; this fake records every request
 * so tests can assert what the script sent, and serves comments with GitHub's paging.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body?: unknown;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string };
}

export interface FakeGitHubApi {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Comments per issue number, in creation order. */
  readonly comments: Map<number, FakeComment[]>;
  /** Answer every request with this status and message (permissions missing, say). */
  failWith(status: number, message: string): void;
  close(): Promise<void>;
}

export async function startFakeGitHubApi(options: { repository: string; token: string }): Promise<FakeGitHubApi> {
  const requests: RecordedRequest[] = [];
  const comments = new Map<number, FakeComment[]>();
  let nextId = 1000;
  let failure: { status: number; message: string } | undefined;
  const prefix = `/repos/${options.repository}`;

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const body = raw ? JSON.parse(raw) : undefined;
      const url = new URL(request.url ?? '/', 'http://fake');
      requests.push({ method: request.method ?? '', path: `${url.pathname}${url.search}`, headers: request.headers, body });
      const send = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      if (failure) return send(failure.status, { message: failure.message });
      if (request.headers.authorization !== `Bearer ${options.token}`) return send(401, { message: 'Bad credentials' });
      const htmlUrl = (id: number) => `https://github.example/${options.repository}/pull/1#issuecomment-${id}`;
      const view = (comment: FakeComment) => ({ ...comment, html_url: htmlUrl(comment.id) });

      const list = url.pathname.match(new RegExp(`^${prefix}/issues/(\\d+)/comments$`));
      if (list && request.method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        return send(200, (comments.get(Number(list[1])) ?? []).slice((page - 1) * perPage, page * perPage).map(view));
      }
      if (list && request.method === 'POST') {
        const comment = { id: nextId++, body: (body as { body: string }).body, user: { login: 'github-actions[bot]' } };
        comments.set(Number(list[1]), [...(comments.get(Number(list[1])) ?? []), comment]);
        return send(201, view(comment));
      }
      const edit = url.pathname.match(new RegExp(`^${prefix}/issues/comments/(\\d+)$`));
      if (edit && request.method === 'PATCH') {
        const comment = [...comments.values()].flat().find((candidate) => candidate.id === Number(edit[1]));
        if (!comment) return send(404, { message: 'Not Found' });
        comment.body = (body as { body: string }).body;
        return send(200, view(comment));
      }
      return send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    comments,
    failWith: (status, message) => {
      failure = { status, message };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
