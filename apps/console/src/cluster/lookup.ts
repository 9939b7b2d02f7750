import { formatAmount } from '@strife/domain';
import {
  decisionFromWire,
  legKindFromWire,
  legStateFromWire,
  paymentStatusFromWire,
  type LegRecord,
  type LookupPaymentResponse,
  type TransactionState,
} from '@strife/protocol';
import { Status } from 'nice-grpc';
import type { PaymentLegView, PaymentView } from '../shared/api';
import type { Probes } from './probes';

/** A payment to find: by txid, or by its idempotency key and payer (empty: whoever used it). */
export type PaymentQuery =
  { readonly txid: bigint } | { readonly username: string; readonly key: string };

/** What a lookup found: the payment, nothing, or no service that could say. */
export type LookupOutcome =
  | { readonly kind: 'found'; readonly payment: PaymentView }
  | { readonly kind: 'not-found'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'unavailable'; readonly message: string };

/**
 * Finds one payment: its record and decision at a gateway (the instances are asked in turn until
 * one answers; with several they share one log), then its legs at every bank at once. A bank
 * that does not answer is listed in `unreachable` and its legs are missing.
 */
export async function lookupPayment(probes: Probes, query: PaymentQuery): Promise<LookupOutcome> {
  const unreachable: string[] = [];
  let record: LookupPaymentResponse | undefined;
  let answered = false;
  for (const gateway of probes.targets.filter((t) => t.kind === 'gateway')) {
    const answer = await probes.lookup(
      gateway,
      'txid' in query
        ? { txid: query.txid }
        : { username: query.username, idempotencyKey: query.key },
    );
    if (answer.ok) record = answer.value;
    else if (answer.code === Status.INVALID_ARGUMENT) {
      return { kind: 'invalid', message: answer.error };
    } else if (answer.code !== Status.NOT_FOUND) {
      unreachable.push(gateway.name);
      continue;
    }
    answered = true;
    break;
  }
  const what =
    'txid' in query
      ? `txid ${query.txid}`
      : `key ${JSON.stringify(query.key)}${query.username === '' ? '' : ` of ${query.username}`}`;
  if (!('txid' in query) && !answered) {
    return { kind: 'unavailable', message: `no gateway answers to look up ${what}` };
  }
  const txid =
    record?.payment?.txid ?? record?.transaction?.txid ?? ('txid' in query ? query.txid : 0n);
  if (txid === 0n) return { kind: 'not-found', message: `no payment with ${what}` };

  const banks = probes.targets.filter((t) => t.kind === 'bank');
  const legs: PaymentLegView[] = [];
  await Promise.all(
    banks.map(async (bank) => {
      const answer = await probes.lookup(bank, { txid });
      if (!answer.ok) unreachable.push(bank.name);
      else legs.push(...answer.value.legs.map((leg) => legView(bank.instance, leg)));
    }),
  );
  legs.sort((a, b) => a.bank.localeCompare(b.bank) || a.leg.localeCompare(b.leg));
  if (record === undefined && legs.length === 0) {
    return answered
      ? { kind: 'not-found', message: `no payment with ${what}` }
      : { kind: 'unavailable', message: `no gateway answers, and no bank has legs of ${what}` };
  }
  return { kind: 'found', payment: paymentView(txid, record, legs, unreachable) };
}

function paymentView(
  txid: bigint,
  record: LookupPaymentResponse | undefined,
  legs: readonly PaymentLegView[],
  unreachable: readonly string[],
): PaymentView {
  const payment = record?.payment;
  const transaction = record?.transaction;
  const parties = transaction ? partiesOf(transaction) : undefined;
  return {
    txid: txid.toString(),
    username: record?.username || null,
    key: payment?.idempotencyKey ?? null,
    status: payment ? paymentStatusFromWire(payment.status) : statusOf(transaction),
    payer: payment?.from ?? parties?.payer ?? null,
    payee: payment?.to ?? parties?.payee ?? null,
    amount: payment ? formatAmount(payment.amount) : parties ? formatAmount(parties.amount) : null,
    reason: payment?.reason || null,
    createdAt: payment?.createdAt?.toISOString() ?? null,
    decision: transaction
      ? {
          state: transaction.state,
          decision: decisionOrNull(transaction),
          cause: transaction.cause || null,
          owner: transaction.owner || null,
        }
      : null,
    legs,
    unreachable,
  };
}

function legView(bank: string, leg: LegRecord): PaymentLegView {
  return {
    bank,
    leg: legKindFromWire(leg.leg),
    accountNo: leg.accountNo,
    toAccountNo: leg.toAccountNo === '' ? null : leg.toAccountNo,
    amount: formatAmount(leg.amount),
    state: legStateFromWire(leg.state),
    createdAt: leg.createdAt?.toISOString() ?? null,
    updatedAt: leg.updatedAt?.toISOString() ?? null,
  };
}

function decisionOrNull(transaction: TransactionState): 'COMMIT' | 'ABORT' | null {
  try {
    return decisionFromWire(transaction.decision);
  } catch {
    return null;
  }
}

/** A payment's status from its decision, when the gateway no longer keeps its record. */
function statusOf(transaction: TransactionState | undefined): PaymentView['status'] {
  if (!transaction) return null;
  const decision = decisionOrNull(transaction);
  return decision === 'COMMIT' ? 'COMMITTED' : decision === 'ABORT' ? 'ABORTED' : 'PENDING';
}

/** Payer, payee and amount from the decision log's legs. */
function partiesOf(
  transaction: TransactionState,
): { payer: string; payee: string; amount: bigint } | undefined {
  let payer: string | undefined;
  let payee: string | undefined;
  for (const leg of transaction.legs) {
    const kind = legKindFromWire(leg.leg);
    if (kind !== 'credit') payer = `${leg.bank}:${leg.accountNo}`;
    if (kind === 'credit') payee = `${leg.bank}:${leg.accountNo}`;
    if (kind === 'transfer') payee = `${leg.bank}:${leg.toAccountNo}`;
  }
  const amount = transaction.legs[0]?.amount;
  return payer && payee && amount !== undefined ? { payer, payee, amount } : undefined;
}
