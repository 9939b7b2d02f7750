import type { PayRequest, Payment } from '@strife/protocol';
import { PaymentStatus } from '@strife/protocol';
import type { TestSystem } from '@strife/testkit';
import { onAnyInstance } from '@strife/runtime';
import { ClientError, Metadata, Status } from 'nice-grpc';
import { between, pick } from './rng';

export interface Account {
  readonly address: string;
  readonly username: string;
}

/** What the clients saw: every final answer per key, and the keys still waiting for one. */
export interface Observations {
  readonly requests: Map<string, { username: string; request: PayRequest }>;
  readonly answers: Map<string, Payment[]>;
  readonly unanswered: Set<string>;
  readonly unexpected: string[];
  /** The last retryable error per unanswered key, for diagnosing a key that never settles. */
  readonly lastError: Map<string, string>;
  sent: number;
}

export function newObservations(): Observations {
  return {
    requests: new Map(),
    answers: new Map(),
    unanswered: new Set(),
    unexpected: [],
    lastError: new Map(),
    sent: 0,
  };
}

/** Errors a real client treats as "try again later with the same key". */
const RETRYABLE = new Set([
  Status.UNAVAILABLE,
  Status.DEADLINE_EXCEEDED,
  Status.ABORTED,
  Status.UNAUTHENTICATED,
]);

/**
 * One client: logs in as `me`, pays random other accounts random amounts (some overdraw), and
 * now and then re-sends an earlier key. Unanswered keys are kept for the end of the run.
 */
export class Client {
  private metadata: Metadata | undefined;
  private readonly gateway: ReturnType<TestSystem['gateway']>;
  /** One client pinned to each gateway instance (none with a single gateway). */
  private readonly pinned: ReturnType<TestSystem['gateway']>[];
  private readonly keys: string[] = [];
  private count = 0;

  constructor(
    private readonly system: TestSystem,
    private readonly id: number,
    private readonly me: Account,
    private readonly others: readonly Account[],
    private readonly random: () => number,
    private readonly seen: Observations,
    /** Whether an UNAVAILABLE answer was legitimate: called with when the send started. */
    private readonly excusable: (since: number) => boolean = () => true,
  ) {
    this.gateway = system.gateway();
    const { instances } = system.cluster.config.gateway;
    this.pinned =
      instances.length > 1 ? instances.map((i) => system.gateway('client', i.name)) : [];
  }

  async run(until: () => boolean): Promise<void> {
    while (!until()) {
      const retry = this.keys.length > 0 && this.random() < 0.2;
      const key = retry ? pick(this.random, this.keys) : this.newPayment();
      await this.send(key);
      await new Promise((resolve) => setTimeout(resolve, between(this.random, 0, 20)));
    }
  }

  /** Sends `key` again and again until the gateway answers it (used after the faults stop). */
  async settle(key: string, deadline: number): Promise<void> {
    while (this.seen.unanswered.has(key)) {
      if (Date.now() > deadline) {
        throw new Error(
          `key ${key} got no answer; last: ${this.seen.lastError.get(key) ?? 'none'}`,
        );
      }
      await this.send(key);
      if (this.seen.unanswered.has(key)) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * Sends every key this client ever used once more, to every gateway instance, and returns the
   * answers: they must all be the first answer.
   */
  async replayAll(): Promise<Map<string, (Payment | undefined)[]>> {
    const replies = new Map<string, (Payment | undefined)[]>();
    const gateways = this.pinned.length > 0 ? this.pinned : [this.gateway];
    for (const key of this.keys) {
      const entry = this.seen.requests.get(key);
      if (!entry) continue;
      const answers = [];
      for (const gateway of gateways) {
        answers.push((await gateway.pay(entry.request, await this.session())).payment);
      }
      replies.set(key, answers);
    }
    return replies;
  }

  private newPayment(): string {
    const key = `c${this.id}-${++this.count}`;
    const to = pick(this.random, this.others).address;
    const amount = BigInt(between(this.random, 100, 60_000));
    this.seen.requests.set(key, {
      username: this.me.username,
      request: { idempotencyKey: key, to, amount, from: '' },
    });
    this.keys.push(key);
    this.seen.unanswered.add(key);
    return key;
  }

  private async send(key: string): Promise<void> {
    const entry = this.seen.requests.get(key);
    if (!entry) return;
    this.seen.sent++;
    const since = Date.now();
    let pinned = false;
    try {
      const session = await this.session();
      // Mostly balanced, failing over like the CLI; sometimes straight at one instance, so the
      // same key races across instances.
      const direct =
        this.pinned.length > 0 && this.random() < 0.3 ? pick(this.random, this.pinned) : undefined;
      pinned = direct !== undefined;
      const { payment } = direct
        ? await direct.pay(entry.request, session)
        : await onAnyInstance(Math.max(1, this.pinned.length), (options) =>
            this.gateway.pay(entry.request, { ...session, ...options }),
          );
      if (!payment || payment.status === PaymentStatus.PAYMENT_STATUS_PENDING) return;
      const list = this.seen.answers.get(key) ?? [];
      list.push(payment);
      this.seen.answers.set(key, list);
      this.seen.unanswered.delete(key);
    } catch (err) {
      this.seen.lastError.set(
        key,
        err instanceof ClientError ? `${Status[err.code]} ${err.details}` : String(err),
      );
      if (err instanceof ClientError && RETRYABLE.has(err.code)) {
        if (err.code === Status.UNAUTHENTICATED) this.metadata = undefined;
        if (err.code === Status.UNAVAILABLE && !pinned && !this.excusable(since)) {
          this.seen.unexpected.push(`${key}: UNAVAILABLE while a gateway was up: ${err.details}`);
        }
        return;
      }
      this.seen.unexpected.push(`${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async session(): Promise<{ metadata: Metadata }> {
    for (;;) {
      if (this.metadata) return { metadata: this.metadata };
      try {
        this.metadata = (await this.system.login(this.me.username, 'e2e-pass-1')).metadata;
      } catch (err) {
        if (!(err instanceof ClientError) || !RETRYABLE.has(err.code)) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}
