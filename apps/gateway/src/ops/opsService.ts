import type { AbortCause, Coordinator, DecisionLog, LogRecord } from '@strife/coordinator';
import { InvalidArgument, UnknownPayment } from '@strife/domain';
import {
  Decision,
  decisionToWire,
  legKindToWire,
  type OpsServiceImplementation,
  type TransactionState,
} from '@strife/protocol';
import type { CallLogContext } from '@strife/runtime';
import { paymentToWire } from '../payments/paymentWire';
import type { PaymentRecord } from '../payments/payment';
import type { PaymentStore } from '../payments/paymentStore';
import type { OpsView } from '../store/opsView';

/** How many open transactions and recent decisions a status carries at most. */
const OPEN_LIMIT = 200;
const RECENT_LIMIT = 20;

export interface GatewayOpsOptions {
  readonly instance: string;
  readonly version: string;
  readonly startedAt: Date;
  readonly backend: string;
  readonly serving: () => boolean;
  readonly coordinator: Pick<Coordinator, 'active' | 'stuck'>;
  readonly decisions: DecisionLog;
  readonly ops: OpsView;
  readonly payments: PaymentStore;
}

/** One line for an abort's cause, e.g. `VOTED_NO SBI INSUFFICIENT_FUNDS`. */
export function describeCause(cause: AbortCause | undefined): string {
  if (cause === undefined) return '';
  switch (cause.kind) {
    case 'VOTED_NO':
      return `VOTED_NO ${cause.participant} ${cause.reason}`;
    case 'TIMEOUT':
      return `TIMEOUT ${cause.participant}`;
    case 'UNAVAILABLE':
      return `UNAVAILABLE ${cause.participant}`;
    case 'PRESUMED':
      return 'PRESUMED';
  }
}

function transactionState(record: LogRecord, owner: string | undefined): TransactionState {
  return {
    txid: record.txid,
    state: record.state,
    decision:
      record.decision === undefined
        ? Decision.DECISION_UNSPECIFIED
        : decisionToWire(record.decision),
    cause: describeCause(record.cause),
    owner: owner ?? '',
    legs: record.legs.map((leg) => ({
      bank: leg.participant,
      leg: legKindToWire(leg.kind),
      accountNo: leg.account,
      toAccountNo: leg.toAccount ?? '',
      amount: leg.amount,
    })),
  };
}

/**
 * The gateway's OpsService (monitor role only): this instance's work in progress, the shared
 * log's open transactions and their owners, recent decisions, stuck deliveries, and one
 * payment's record and decision by txid or by username and key.
 */
export function gatewayOpsService(
  options: GatewayOpsOptions,
): OpsServiceImplementation<CallLogContext> {
  return {
    async getStatus() {
      const now = Date.now();
      const { phaseOne, phaseTwo } = options.coordinator.active();
      const [open, recent] = await Promise.all([
        options.ops.openTransactions(OPEN_LIMIT),
        options.ops.recentDecisions(RECENT_LIMIT),
      ]);
      return {
        service: 'gateway',
        name: options.instance,
        version: options.version,
        startedAt: options.startedAt,
        serving: options.serving(),
        gateway: {
          backend: options.backend,
          phaseOne,
          phaseTwo,
          open: open.map((t) => ({
            txid: t.txid,
            state: t.state,
            owner: t.owner ?? '',
            ageMs: BigInt(Math.max(0, now - t.createdAt)),
          })),
          recent: recent.map((d) => ({
            txid: d.txid,
            decision: decisionToWire(d.decision),
            cause: describeCause(d.cause),
            decidedAt: new Date(d.decidedAt),
          })),
          stuck: options.coordinator.stuck().map((s) => ({
            txid: s.txid,
            bank: s.leg.participant,
            leg: legKindToWire(s.leg.kind),
            decision: decisionToWire(s.decision),
            attempts: s.attempts,
            since: new Date(s.since),
            error: s.error,
          })),
        },
      };
    },

    async lookupPayment(request, context) {
      const { username, payment } = await paymentOf(request, options);
      const txid = payment?.txid ?? request.txid;
      context.callLog.annotate({ txid: txid.toString() });
      const [record, owner] = await Promise.all([
        options.decisions.get(txid),
        options.ops.ownerOf(txid),
      ]);
      if (payment === undefined && record === undefined) throw new UnknownPayment(String(txid));
      return {
        ...(payment ? { payment: paymentToWire(payment) } : {}),
        username,
        ...(record ? { transaction: transactionState(record, owner) } : {}),
        legs: [],
      };
    },
  };
}

/** The payment a lookup names, by txid or by username and key, with its payer. */
async function paymentOf(
  request: { readonly txid: bigint; readonly username: string; readonly idempotencyKey: string },
  options: Pick<GatewayOpsOptions, 'ops' | 'payments'>,
): Promise<{ username: string; payment: PaymentRecord | undefined }> {
  if (request.txid !== 0n) {
    const found = await options.ops.paymentByTxid(request.txid);
    return { username: found?.username ?? '', payment: found?.payment };
  }
  const key = request.idempotencyKey;
  if (key === '') {
    throw new InvalidArgument('txid', 'give a txid, or an idempotency_key (and its username)');
  }
  let username = request.username;
  if (username === '') {
    // Keys are scoped to their user: by key alone, it must name one payer.
    const payers = await options.ops.payersOfKey(key, 2);
    if (payers.length > 1) {
      throw new InvalidArgument('username', 'several users used this idempotency_key; give one');
    }
    username = payers[0] ?? '';
  }
  const found = username === '' ? undefined : await options.payments.find(username, key);
  if (found === undefined || found === 'EXPIRED') throw new UnknownPayment(key);
  return { username, payment: found };
}
