import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LookupOutcome, PaymentQuery } from '../cluster/lookup';
import type { Poller } from '../snapshot/poller';
import type { Asset } from './assets';
import type { EventHub } from './events';
import { parsePaymentQuery } from './paymentQuery';

/** What the routes serve from. */
export interface RouteContext {
  readonly poller: Pick<Poller, 'latest' | 'history'>;
  readonly hub: EventHub;
  readonly assets: ReadonlyMap<string, Asset>;
  readonly lookup: (query: PaymentQuery) => Promise<LookupOutcome>;
  /** Logs a request that failed inside the console. */
  readonly onError: (err: unknown, path: string) => void;
}

/** The page may load only its own scripts, styles and data. */
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

/**
 * The console's routes, all read-only: `GET /` and the page's files, `GET /api/status`,
 * `GET /api/payments?txid=N` or `?key=K&user=U`, `GET /api/history` (the charts' points) and
 * `GET /api/events` (server-sent events: `history` once, then `status` after every pass).
 */
export function route(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const url = new URL(request.url ?? '/', 'http://console');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(
      response,
      405,
      { error: 'the console is read-only: GET only' },
      { allow: 'GET, HEAD' },
    );
    return;
  }
  const failed = (err: unknown): void => {
    context.onError(err, url.pathname);
    if (!response.headersSent) sendJson(response, 500, { error: 'the console failed to answer' });
    else response.end();
  };
  switch (url.pathname) {
    case '/api/status':
      context.poller.latest().then((status) => sendJson(response, 200, status), failed);
      return;
    case '/api/history':
      sendJson(response, 200, { points: context.poller.history.points() });
      return;
    case '/api/payments':
      payments(context, url.searchParams, response).catch(failed);
      return;
    case '/api/events':
      context.poller.latest().then((status) => {
        context.hub.open(response, [
          { event: 'history', data: { points: context.poller.history.points() } },
          { event: 'status', data: status },
        ]);
      }, failed);
      return;
    default:
      asset(context, url.pathname, request, response);
  }
}

/** The HTTP status of a lookup that found nothing, by why. */
const STATUS_OF = { 'not-found': 404, invalid: 400, unavailable: 503 } as const;

async function payments(
  context: RouteContext,
  params: URLSearchParams,
  response: ServerResponse,
): Promise<void> {
  const query = parsePaymentQuery(params);
  if ('error' in query) {
    sendJson(response, 400, { error: query.error });
    return;
  }
  const outcome = await context.lookup(query);
  if (outcome.kind === 'found') sendJson(response, 200, outcome.payment);
  else sendJson(response, STATUS_OF[outcome.kind], { error: outcome.message });
}

function asset(
  context: RouteContext,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const found = context.assets.get(path);
  if (!found) {
    if (path.startsWith('/api/')) sendJson(response, 404, { error: `no such endpoint: ${path}` });
    else response.writeHead(404, { ...COMMON, 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  response.writeHead(200, {
    ...COMMON,
    'content-type': found.type,
    'content-length': found.body.length,
    'cache-control': 'no-cache',
    ...(found.type.startsWith('text/html') ? { 'content-security-policy': PAGE_POLICY } : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : found.body);
}

/** Writes `body` as JSON with `status`, never cached. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      ...COMMON,
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}
