import { printable } from './untrusted-text';

/**
 * A failed call to the Kafka Connect REST API, with what the CLI needs to print one clear line:
 * the status, the URL, Connect's own error message and a suggestion of what to do.
 */
export class ConnectError extends Error {
  override name = 'ConnectError';
  constructor(
    message: string,
    readonly details: {
      readonly method: string;
      readonly url: string;
      readonly status?: number;
      readonly body?: unknown;
      readonly connector?: string;
      readonly suggestion?: string;
    },
  ) {
    super(message);
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get suggestion(): string | undefined {
    return this.details.suggestion;
  }
}

/** A server's message is shown at most this long: a proxy's error page is not worth more. */
export const MAX_SERVER_MESSAGE_LENGTH = 500;

/**
 * Connect's error body is `{"error_code": 400, "message": "…"}`; anything else (a proxy's 502 page)
 * is shown as text. Either way it is the server's text: control characters (ANSI escapes that
 * would drive the terminal) shown, not obeyed, and the length capped.
 */
export function connectMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'message' in body && typeof (body as { message: unknown }).message === 'string') {
    return printable((body as { message: string }).message, { maxLength: MAX_SERVER_MESSAGE_LENGTH });
  }
  return typeof body === 'string' && body.length > 0 ? printable(body, { maxLength: MAX_SERVER_MESSAGE_LENGTH }) : undefined;
}

export function suggestionFor(status: number | undefined, message = ''): string | undefined {
  if (status === undefined) return 'check that the worker is running and the URL is right (cdcctl local status, or --connect-url)';
  if (status === 401 || status === 403) return 'check the Connect credentials (the environment variables named in config connect.auth)';
  if (status === 404 && /plugin|class/i.test(message)) return 'the worker does not have this plugin: check plugin.path and the image (GET /connector-plugins)';
  if (status === 404) return 'the connector does not exist on this worker (cdcctl connectors status)';
  if (status === 400) return 'the worker rejected the config: run cdcctl connectors validate --remote for every field';
  if (status === 409) return 'the worker is rebalancing or the connector exists already; retry in a moment';
  if (status >= 500) return 'the worker failed internally: see its log (cdcctl local logs connect)';
  return undefined;
}
