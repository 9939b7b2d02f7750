import type { AbortCause, Coordinator, Leg, Outcome } from '@strife/coordinator';
import {
  type AccountAddress,
  assertIdempotencyKey,
  assertPaymentAmount,
  formatAccountAddress,
  formatAmount,
  IdempotencyKeyExpired,
  INT64_MAX,
  Internal,
  InvalidArgument,
  NotAuthorized,
  parseAccountAddress,
  quote,
  UnknownPayment,
} from '@strife/domain';
import { IdempotencyKeys, type Stored, type Timer } from '@strife/idempotency';
import type { CallLog } from '@strife/runtime';
import type { AuthUser } from '../auth/authService';
import type { DescribedAbort } from './abortReason';
import type { PaymentRecord } from './payment';
import type { RequestIds } from './requestIds';
import type { PaymentStore } from './paymentStore';

export interface PaymentServiceOptions {
  readonly store: PaymentStore;
  readonly coordinator: Coordinator;
  readonly nextTxid: () => Promise<bigint>;
  readonly banks: ReadonlySet<string>;
  /** The payer-facing words for an abort; the same function the store writes outcomes with. */
  readonly describe: (cause: AbortCause) => DescribedAbort;
  /** How long a retry waits for an attempt still running (on any instance). */
  readonly waitMs: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Times a waiting retry's next look at the store. Default `setTimeout`. */
  readonly timer?: Timer;
  /** Where a running payment's request id is kept for the 2PC log lines. Default: not kept. */
  readonly requestIds?: RequestIds;
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
const PAGE_TOKEN = /^[1-9]\d{0,18}$/;

/**
 * Payments: validation, one claim per (user, key), a txid, then two-phase commit across the
 * banks. Everything it knows about a payment is in the store, so any gateway instance answers
 * for any payment, and nothing here is correct only because one process saw it all.
 */
export class PaymentService {
  private readonly keys: IdempotencyKeys<PaymentRecord>;
  private readonly now: () => number;

  constructor(private readonly options: PaymentServiceOptions) {
    this.now = options.now ?? Date.now;
    this.keys = new IdempotencyKeys({
      find: (username, key) => this.stored(username, key),
      waitMs: options.waitMs,
      now: this.now,
      ...(options.timer === undefined ? {} : { timer: options.timer }),
    });
  }

  /**
   * Pays once per (user, key). Bad input is refused before anything is stored, so fixing it and
   * retrying with the same key works. A new key is claimed with its txid and the transaction's
   * INITIATED in one write; the answer comes as soon as the decision (and with it the payment's
   * outcome) is durable. A retry gets the stored payment, waiting for it if it is still running.
   */
  async pay(user: AuthUser, input: PayInput, log: CallLog): Promise<PaymentRecord> {
    log.annotate({ key: input.key, amount: formatAmount(input.amount), to: input.to });
    const payee = this.validate(user, input);
    const to = formatAccountAddress(payee);
    const legs = legsOf(user, payee, input.amount);
    const fingerprint = { to, amount: input.amount.toString() };
    let started: { txid: bigint; createdAt: Date } | undefined;
    const claim = await this.keys.claim(user.username, input.key, fingerprint, async () => {
      const txid = await this.options.nextTxid();
      const createdAt = new Date(this.now());
      const claimed = await this.options.store.claim({
        username: user.username,
        key: input.key,
        txid,
        from: user.account,
        to,
        amount: input.amount,
        createdAt,
        legs,
      });
      if (claimed) started = { txid, createdAt };
      return claimed;
    });
    if (claim.status === 'replay') {
      log.annotate({ retry: true, txid: claim.outcome.txid.toString() });
      return claim.outcome;
    }
    if (started === undefined) throw new Internal('a key was claimed without a txid');
    const { txid, createdAt } = started;
    log.annotate({ txid: txid.toString() });
    const { coordinator, requestIds } = this.options;
    const run = () => coordinator.run({ txid, legs });
    const outcome = await (requestIds ? requestIds.during(txid, log.requestId, run) : run());
    this.keys.settled(user.username, input.key);
    const base = { key: input.key, txid, from: user.account, to, amount: input.amount, createdAt };
    const payment = this.decided(base, outcome);
    log.annotate({ outcome: payment.status });
    return payment;
  }

  /** The caller's payment with this key: decided, or PENDING while it runs. */
  async get(user: AuthUser, key: string): Promise<PaymentRecord> {
    assertIdempotencyKey(key);
    const found = await this.options.store.find(user.username, key);
    if (found === 'EXPIRED') throw new IdempotencyKeyExpired(key);
    if (found === undefined) throw new UnknownPayment(key);
    return found;
  }

  /** A page of the caller's payments, newest first; the token is the last txid seen. */
  async list(
    user: AuthUser,
    pageSize: number,
    pageToken: string,
  ): Promise<{ payments: PaymentRecord[]; next: string }> {
    if (pageSize < 0 || pageSize > MAX_PAGE) {
      throw new InvalidArgument(
        'page_size',
        `must be 0 (the default, ${DEFAULT_PAGE}) to ${MAX_PAGE}`,
      );
    }
    const before = pageToken === '' ? undefined : parseToken(pageToken);
    const limit = pageSize || DEFAULT_PAGE;
    const payments = await this.options.store.list(user.username, limit, before);
    const last = payments.at(-1);
    return { payments, next: payments.length === limit && last ? last.txid.toString() : '' };
  }

  private async stored(username: string, key: string): Promise<Stored<PaymentRecord> | undefined> {
    const found = await this.options.store.find(username, key);
    if (found === undefined) return undefined;
    if (found === 'EXPIRED') return { state: 'EXPIRED' };
    return {
      state: 'KNOWN',
      fingerprint: { to: found.to, amount: found.amount.toString() },
      outcome: found.status === 'PENDING' ? undefined : found,
    };
  }

  private decided(
    base: Omit<PaymentRecord, 'status' | 'abortReason' | 'reason'>,
    outcome: Outcome,
  ): PaymentRecord {
    if (outcome.decision === 'COMMIT') {
      return { ...base, status: 'COMMITTED', abortReason: undefined, reason: '' };
    }
    const { reason, text } = this.options.describe(outcome.reason);
    return { ...base, status: 'ABORTED', abortReason: reason, reason: text };
  }

  /** Checks the request and returns the payee. */
  private validate(user: AuthUser, input: PayInput): AccountAddress {
    if (input.from !== '') {
      const from = formatAccountAddress(parseAccountAddress(input.from, 'from'));
      if (from !== user.account) {
        throw new NotAuthorized(`you may only pay from your own account ${user.account}`);
      }
    }
    const to = parseAccountAddress(input.to, 'to');
    if (!this.options.banks.has(to.bank)) {
      throw new InvalidArgument(
        'to',
        `unknown bank ${to.bank} (banks: ${[...this.options.banks].join(', ')})`,
      );
    }
    if (formatAccountAddress(to) === user.account) {
      throw new InvalidArgument('to', 'cannot pay your own account');
    }
    assertPaymentAmount(input.amount);
    assertIdempotencyKey(input.key);
    return to;
  }
}

/** One transfer leg for a payment within one bank; a debit and a credit leg across two. */
function legsOf(user: AuthUser, to: AccountAddress, amount: bigint): Leg[] {
  if (to.bank === user.bank) {
    return [
      {
        participant: user.bank,
        kind: 'transfer',
        account: user.accountNo,
        toAccount: to.accountNo,
        amount,
      },
    ];
  }
  return [
    { participant: user.bank, kind: 'debit', account: user.accountNo, amount },
    { participant: to.bank, kind: 'credit', account: to.accountNo, amount },
  ];
}

/** A page token: a txid from a previous page. */
function parseToken(token: string): bigint {
  const txid = PAGE_TOKEN.test(token) ? BigInt(token) : undefined;
  if (txid === undefined || txid > INT64_MAX) {
    throw new InvalidArgument('page_token', `${quote(token)} is not a token from a previous page`);
  }
  return txid;
}
