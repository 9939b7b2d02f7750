import type { Coordinator, DecisionLog, Outcome } from '@strife/coordinator';
import type { IdempotencyKeys, KeyRecord } from '@strife/idempotency';
import {
  assertPositiveAmount,
  formatAccountAddress,
  formatAmount,
  InvalidArgument,
  NotAuthorized,
  parseAccountAddress,
  UnknownPayment,
} from '@strife/domain';
import type { CallLog, Logger } from '@strife/runtime';
import type { AuthUser } from '../auth/authService';
import { describeAbort } from './abortReason';
import type { PaymentRecord } from './payment';
import type { PaymentStore } from './paymentStore';

export interface PaymentServiceOptions {
  readonly keys: IdempotencyKeys<PaymentRecord>;
  readonly store: PaymentStore;
  readonly coordinator: Coordinator;
  readonly decisions: DecisionLog;
  readonly nextTxid: () => Promise<bigint>;
  readonly banks: ReadonlySet<string>;
  readonly prepareTimeoutMs: number;
  /** Finds a user's account, `BANK:NO`, for recovering their in-flight payments. */
  readonly accountOf: (username: string) => Promise<string | undefined>;
  readonly logger: Logger;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

export interface PayInput {
  readonly key: string;
  readonly to: string;
  /** Empty for the caller's own account. */
  readonly from: string;
  readonly amount: bigint;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

/** Payments: validation, idempotency, a txid, then two-phase commit across the banks. */
export class PaymentService {
  /** Per user, the decided payments whose records are still being written. */
  private readonly finishing = new Map<string, Set<Promise<void>>>();

  constructor(private readonly options: PaymentServiceOptions) {}

  /**
   * Pays once per (user, key). Bad input is refused before the key is claimed, so fixing it and
   * retrying with the same key works. The answer comes as soon as the decision is durable; the
   * payment's history row and the key's outcome are written after it (see `finishLater`).
   */
  async pay(user: AuthUser, input: PayInput, log: CallLog): Promise<PaymentRecord> {
    log.annotate({ key: input.key, amount: formatAmount(input.amount), to: input.to });
    const to = this.validate(user, input);
    const { keys, coordinator } = this.options;
    const fingerprint = { to, amount: input.amount.toString() };
    // A new key is claimed with its txid already recorded (one write, not two); a retry of a
    // known key does not need a txid, and must not depend on the txid service to be answered.
    const known = await keys.get(user.username, input.key);
    let txid = known === undefined ? await this.options.nextTxid() : undefined;
    const claim = await keys.claim(user.username, input.key, fingerprint, txid?.toString());
    if (claim.status === 'replay') {
      log.annotate({ retry: true, txid: claim.outcome.txid.toString() });
      return claim.outcome;
    }
    if (txid === undefined) txid = await this.txidFor(user.username, input.key);
    log.annotate({ txid: txid.toString() });
    const [toBank, toNo] = to.split(':') as [string, string];
    const outcome = await coordinator.run({
      txid,
      legs: [
        { participant: user.bank, kind: 'debit', account: user.accountNo, amount: input.amount },
        { participant: toBank, kind: 'credit', account: toNo, amount: input.amount },
      ],
    });
    const payment = this.record(input.key, user.account, to, input.amount, outcome, new Date());
    log.annotate({ outcome: payment.status });
    this.finishLater(user.username, payment);
    return payment;
  }

  /** The caller's payment with this key: finished, or PENDING while it runs. */
  async get(user: AuthUser, key: string): Promise<PaymentRecord> {
    await this.finished(user.username);
    const done = await this.options.store.byKey(user.username, key);
    if (done) return done;
    const running = await this.options.keys.get(user.username, key);
    if (running?.state !== 'IN_FLIGHT') throw new UnknownPayment(key);
    return {
      key,
      txid: running.recoveryPoint ? BigInt(running.recoveryPoint) : 0n,
      status: 'PENDING',
      abortReason: undefined,
      reason: '',
      from: user.account,
      to: running.fingerprint.to ?? '',
      amount: BigInt(running.fingerprint.amount ?? '0'),
      createdAt: running.createdAt,
    };
  }

  /** A page of the caller's payments, newest first; the token is the last txid seen. */
  async list(
    user: AuthUser,
    pageSize: number,
    pageToken: string,
  ): Promise<{ payments: PaymentRecord[]; next: string }> {
    if (pageSize > MAX_PAGE) throw new InvalidArgument('page_size', `must be at most ${MAX_PAGE}`);
    if (pageToken !== '' && !/^[1-9]\d{0,18}$/.test(pageToken)) {
      throw new InvalidArgument('page_token', 'is not a token from a previous page');
    }
    const limit = pageSize || DEFAULT_PAGE;
    await this.finished(user.username);
    const payments = await this.options.store.list(
      user.username,
      limit,
      pageToken ? BigInt(pageToken) : undefined,
    );
    const last = payments.at(-1);
    return { payments, next: payments.length === limit && last ? last.txid.toString() : '' };
  }

  /**
   * Finishes payments whose attempt died with the gateway: a key with a txid gets the decision
   * on record (presumed abort if there is none); a key without one did nothing and is freed.
   * Run at start, after `coordinator.recover()`, when no attempt can be live.
   */
  async recoverInFlight(): Promise<number> {
    const orphans = await this.options.keys.inFlight();
    for (const key of orphans) await this.recoverOne(key);
    return orphans.length;
  }

  /**
   * While serving: finishes keys with a txid whose attempt has run longer than `staleMs` (its
   * `coordinator.run` failed, e.g. a log write error), so retries stop getting RequestInFlight.
   * Safe even if the attempt is still alive, because the decision is write-once. Keys without a
   * txid are left alone: only a start may free them, since a live attempt could still take one.
   */
  async completeStale(staleMs: number): Promise<number> {
    const cutoff = (this.options.now ?? Date.now)() - staleMs;
    const stale = (await this.options.keys.inFlight()).filter(
      (key) => key.recoveryPoint !== undefined && key.updatedAt.getTime() < cutoff,
    );
    for (const key of stale) await this.recoverOne(key);
    return stale.length;
  }

  private async recoverOne(key: KeyRecord): Promise<void> {
    const { keys, coordinator, decisions, logger } = this.options;
    if (key.recoveryPoint === undefined) {
      await keys.release(key.scope, key.key);
      return;
    }
    const txid = BigInt(key.recoveryPoint);
    const decision = await coordinator.resolve(txid);
    const cause = (await decisions.get(txid))?.cause ?? { kind: 'PRESUMED' as const };
    const outcome: Outcome =
      decision === 'COMMIT' ? { txid, decision } : { txid, decision, reason: cause };
    const from = (await this.options.accountOf(key.scope)) ?? '';
    const to = key.fingerprint.to ?? '';
    const payment = this.record(
      key.key,
      from,
      to,
      BigInt(key.fingerprint.amount ?? '0'),
      outcome,
      key.createdAt,
    );
    await this.finish(key.scope, payment);
    logger.info(
      { user: key.scope, key: key.key, txid: txid.toString(), status: payment.status },
      'recovered in-flight payment',
    );
  }

  /**
   * Records a decided payment in the history and as its key's outcome. Both writes are queued
   * in the same turn, so they share one transaction of the group commit.
   */
  private async finish(username: string, payment: PaymentRecord): Promise<void> {
    await Promise.all([
      this.options.store.save(username, payment),
      this.options.keys.complete(username, payment.key, payment),
    ]);
  }

  /**
   * Writes a decided payment's history row and key outcome without holding up the answer: the
   * decision is durable, so if these writes are lost the key stays IN_FLIGHT with its txid and
   * `recoverInFlight`/`completeStale` write the same outcome from the decision log. Until they
   * land, a retry of the key waits for them and this user's reads (`get`, `list`) wait too.
   */
  private finishLater(username: string, payment: PaymentRecord): void {
    const pending = this.finishing.get(username) ?? new Set<Promise<void>>();
    this.finishing.set(username, pending);
    const work = this.finish(username, payment).catch((err: unknown) => {
      this.options.logger.warn(
        { err, user: username, key: payment.key, txid: payment.txid.toString() },
        'recording a decided payment failed; the stale-payment completer will finish it',
      );
    });
    pending.add(work);
    void work.finally(() => {
      pending.delete(work);
      if (pending.size === 0) this.finishing.delete(username);
    });
  }

  /** Resolves once every payment of `username` decided so far is recorded. */
  private async finished(username: string): Promise<void> {
    const pending = this.finishing.get(username);
    if (pending !== undefined) await Promise.all(pending);
  }

  /** A txid for a claimed key that has none yet, recorded as its recovery point. */
  private async txidFor(username: string, key: string): Promise<bigint> {
    const { keys, nextTxid } = this.options;
    let txid: bigint;
    try {
      txid = await nextTxid();
    } catch (err) {
      await keys.release(username, key);
      throw err;
    }
    await keys.setRecoveryPoint(username, key, txid.toString());
    return txid;
  }

  private record(
    key: string,
    from: string,
    to: string,
    amount: bigint,
    outcome: Outcome,
    at: Date,
  ): PaymentRecord {
    const base = { key, txid: outcome.txid, from, to, amount, createdAt: at };
    if (outcome.decision === 'COMMIT') {
      return { ...base, status: 'COMMITTED', abortReason: undefined, reason: '' };
    }
    const { name, reason } = describeAbort(outcome.reason, this.options.prepareTimeoutMs);
    return { ...base, status: 'ABORTED', abortReason: name, reason };
  }

  /** Checks the request and returns the payee as `BANK:NO`. */
  private validate(user: AuthUser, input: PayInput): string {
    if (input.from !== '') {
      const from = formatAccountAddress(parseAccountAddress(input.from, 'from'));
      if (from !== user.account)
        throw new NotAuthorized(`you may only pay from your own account ${user.account}`);
    }
    const to = parseAccountAddress(input.to, 'to');
    if (!this.options.banks.has(to.bank)) {
      throw new InvalidArgument(
        'to',
        `unknown bank ${to.bank} (banks: ${[...this.options.banks].join(', ')})`,
      );
    }
    const payee = formatAccountAddress(to);
    if (payee === user.account) throw new InvalidArgument('to', 'cannot pay your own account');
    assertPositiveAmount(input.amount);
    return payee;
  }
}
