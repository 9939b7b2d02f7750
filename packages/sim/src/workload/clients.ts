import { backoffDelay } from '@strife/domain';
import type { AuthUser } from 'gateway/dist/auth/authService';
import type { Answers, Intent } from '../checks/answers';
import { Incarnation } from '../engine/incarnation';
import type { Random } from '../engine/random';
import { RpcError } from '../net/rpc';
import type { World } from '../world/context';

/** The node clients call from: the outside world, which never crashes. */
export const CLIENTS = 'clients';

/** Errors a client retries with the same key. */
const RETRYABLE = new Set(['REQUEST_IN_FLIGHT', 'DEPENDENCY_UNAVAILABLE']);

/** A user of the world: the owner of one account. */
export function usersOf(world: World): AuthUser[] {
  return world.config.banks.flatMap((bank) =>
    bank.accounts.map((a) => ({
      username: `${bank.name.toLowerCase()}-${a.accountNo}`,
      bank: bank.name,
      accountNo: a.accountNo,
      account: `${bank.name}:${a.accountNo}`,
      tokenHash: '',
    })),
  );
}

/**
 * Clients paying: new payments with fresh keys at random times, some sent to two instances at
 * once, some probed with the same key and another amount; every attempt that gets no final answer
 * (lost, timed out, refused, in flight elsewhere) is retried with the same key after a jittered
 * backoff, on any instance, until a final answer comes.
 */
export class Clients {
  private readonly life = new Incarnation(CLIENTS, 1);
  private readonly users: AuthUser[];
  private started = 0;
  /** Keys with requests still waiting for a final answer, and how many. */
  private readonly open = new Map<string, number>();
  private generating = true;

  constructor(
    private readonly world: World,
    private readonly answers: Answers,
    private readonly random: Random,
  ) {
    this.users = usersOf(world);
  }

  /** Requests still waiting for a final answer. */
  get waiting(): number {
    let n = 0;
    for (const count of this.open.values()) n += count;
    return n;
  }

  /** Keys still waiting for a final answer. */
  unanswered(): string[] {
    return [...this.open.keys()];
  }

  /** Payments started so far. */
  get payments(): number {
    return this.started;
  }

  /** Starts paying. */
  start(): void {
    this.arriveLater();
  }

  /** No new payments from now on; the ones started keep retrying until answered. */
  stop(): void {
    this.generating = false;
  }

  private arriveLater(): void {
    const gap = this.random.between(0, 2 * this.world.config.workload.meanGapMs);
    this.world.scheduler.after(gap, () => {
      if (!this.generating) return;
      this.arrive();
      if (this.started < this.world.config.workload.maxPayments) this.arriveLater();
    });
  }

  private arrive(): void {
    const spec = this.world.config.workload;
    const user = this.random.pick(this.users);
    const payee = this.random.pick(this.users.filter((u) => u !== user));
    const to = this.random.chance(spec.unknownPayeeRate) ? `${payee.bank}:9999` : payee.account;
    const amount = BigInt(this.random.between(1, spec.maxAmount));
    const intent: Intent = { username: user.username, key: `k${++this.started}`, to, amount };
    this.attempt(user, intent, 1);
    if (this.random.chance(spec.raceRate)) this.attempt(user, intent, 1);
    if (this.random.chance(spec.probeRate)) {
      this.attempt(user, { ...intent, amount: amount + 1n }, 1);
    }
  }

  private attempt(user: AuthUser, intent: Intent, attempt: number): void {
    if (attempt === 1) this.open.set(intent.key, (this.open.get(intent.key) ?? 0) + 1);
    const { world } = this;
    const gateway = this.random.pick(world.config.gateways);
    const input = { key: intent.key, to: intent.to, from: '', amount: intent.amount };
    const retry = (): void => {
      world.stats.count('client retries');
      const spec = world.config.workload;
      const delay = backoffDelay(
        attempt,
        { initialMs: spec.retryInitialMs, maxMs: spec.retryMaxMs },
        this.random.next,
      );
      world.scheduler.after(delay, () => {
        this.attempt(user, intent, attempt + 1);
      });
    };
    const finished = (): void => {
      const left = (this.open.get(intent.key) ?? 1) - 1;
      if (left > 0) this.open.set(intent.key, left);
      else this.open.delete(intent.key);
    };
    world.rpc
      .call(
        this.life,
        gateway,
        { kind: 'pay', user, input },
        { timeoutMs: world.config.workload.timeoutMs },
      )
      .then(
        (response) => {
          if (response.kind === 'payment') {
            this.answers.payment(intent, response.payment, gateway);
            finished();
          } else if (response.kind === 'refused' && RETRYABLE.has(response.code)) {
            retry();
          } else if (response.kind === 'refused' && response.code === 'IDEMPOTENCY_KEY_REUSED') {
            this.answers.refusedAsReused(intent);
            finished();
          } else {
            const what = response.kind === 'refused' ? response.code : response.kind;
            world.monitor.violation(
              'unexpected-error',
              `${gateway} answered key ${intent.key} with ${what}`,
              [gateway, `key:${intent.key}`],
            );
            finished();
          }
        },
        (error: unknown) => {
          if (!(error instanceof RpcError)) throw error;
          retry();
        },
      )
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        world.monitor.violation('unexpected-error', `client failed: ${message}`, [
          `key:${intent.key}`,
        ]);
      });
  }
}
