import type { ServerResponse } from 'node:http';

/** Comment lines keep idle streams open through proxies that close silent connections. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events (`text/event-stream`) to every connected page: `send` writes one named event
 * with a JSON body to all of them. A page that goes away is dropped; `close` ends every stream.
 */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Opens the stream on `response` and sends it `first` (name and body), if given. */
  open(response: ServerResponse, first: readonly { event: string; data: unknown }[]): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Reconnect after 2 s when the console restarts.
    response.write('retry: 2000\n\n');
    for (const { event, data } of first) response.write(frame(event, data));
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }

  /** Sends one event to every open stream. */
  send(event: string, data: unknown): void {
    const text = frame(event, data);
    for (const client of this.clients) client.write(text);
  }

  /** How many pages are connected. */
  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

/** One event: its name and its JSON on a single `data:` line (JSON has no raw newlines). */
function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
