import { setTimeout as sleep } from 'node:timers/promises';
import type { Backoff } from '@strife/domain';
import { deliver, type Delivery } from './delivery';
import type { GatewayConnection } from './gatewayClient';
import type { PaymentQueue, QueuedPayment } from './queue';
import { readSession, type Session } from './session';

/** What the retrier reports as it works. */
export interface RetrierEvents {
  /** A queued payment reached its final outcome (a decision, or a permanent refusal). */
  settled(delivery: Extract<Delivery, { kind: 'final' | 'refused' }>): void;
  /** `count` queued payments wait for their user to log in; said once per change of count. */
  waiting(count: number): void;
  /** A send failed for a temporary reason and will be tried again. */
  retrying(payment: QueuedPayment, reason: string): void;
  /** Something unexpected went wrong in one pass; the next pass tries again. */
  failed(message: string): void;
}

export interface RetrierOptions extends Backoff {
  /** How often to look at the queue and the session file, in ms. Default min(initialMs, 1000). */
  readonly pollMs?: number;
  readonly now?: () => number;
}

export interface RetrierDeps {
  readonly queue: PaymentQueue;
  /** The CLI's state folder; the session file is re-read every pass. */
  readonly home: string;
  readonly gateway: GatewayConnection;
  readonly events: RetrierEvents;
}

/**
 * Re-sends queued payments in the background (`strife daemon`, `strife shell`) with
 * exponential backoff and jitter. Only the signed-in user's payments are sent, with that user's
 * token; a payment refused with UNAUTHENTICATED stays queued, and that user's payments wait
 * until the session file holds a different token (a new `strife login`), when they are sent at
 * once. The schedule lives in the queue, so it survives restarts; a retrier never leaves a
 * payment waiting longer than its own `maxMs`.
 */
export class Retrier {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  /** A token the gateway refused; its user's payments wait for another. */
  private refusedToken: string | undefined;
  private lastToken: string | undefined;
  private reportedWaiting = 0;
  private readonly now: () => number;

  constructor(
    private readonly deps: RetrierDeps,
    private readonly options: RetrierOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Starts the background loop. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the send in progress, if any. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** One pass: sends every due payment of the signed-in user. */
  private async pass(): Promise<void> {
    const { queue, gateway, events } = this.deps;
    const now = this.now();
    queue.capWaits(now + this.options.maxMs);
    const session = this.activeSession(now);
    this.reportWaiting(session?.username);
    if (!session) return;
    for (const payment of queue.due(now)) {
      if (this.stopping.signal.aborted) return;
      if (payment.username !== session.username) continue;
      const delivery = await deliver(queue, gateway, session, payment, this.options, this.now);
      if (delivery.kind !== 'queued') {
        events.settled(delivery);
      } else if (delivery.retry === 'after-login') {
        this.refusedToken = session.token;
        this.reportWaiting(undefined);
        return;
      } else {
        events.retrying(delivery.payment, delivery.reason);
      }
    }
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? Math.min(this.options.initialMs, 1000);
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        await this.pass();
      } catch (err) {
        this.deps.events.failed(err instanceof Error ? err.message : String(err));
      }
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** The session to send with, or undefined; a newly seen token wakes its user's payments. */
  private activeSession(now: number): Session | undefined {
    const session = readSession(this.deps.home);
    if (session && session.token !== this.lastToken) this.deps.queue.wake(session.username, now);
    this.lastToken = session?.token;
    if (!session || session.token === this.refusedToken) return undefined;
    this.refusedToken = undefined;
    return session;
  }

  /** Says how many queued payments cannot be sent by `username`'s session, when that changes. */
  private reportWaiting(username: string | undefined): void {
    const waiting = this.deps.queue.list().filter((p) => p.username !== username).length;
    if (waiting !== this.reportedWaiting && waiting > 0) this.deps.events.waiting(waiting);
    this.reportedWaiting = waiting;
  }
}
