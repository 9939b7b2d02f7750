import type { Decision } from '@strife/coordinator';
import { type LegOperation, type LegOperationResult, Vote } from '@strife/protocol';
import type { AuthUser } from 'gateway/dist/auth/authService';
import type { PayInput } from 'gateway/dist/payments/paymentService';
import type { PaymentRecord } from 'gateway/dist/payments/payment';
import type { Note } from './network';

/** What travels to a node: a bank's 2PC operation, a client's payment, a bank's in-doubt question. */
export type Request =
  | { readonly kind: 'leg'; readonly operation: LegOperation }
  | { readonly kind: 'pay'; readonly user: AuthUser; readonly input: PayInput }
  | { readonly kind: 'resolve'; readonly bank: string; readonly txid: bigint };

/** What comes back. `refused` is a domain error, as its gRPC status would carry it. */
export type Response =
  | { readonly kind: 'leg'; readonly result: LegOperationResult }
  | { readonly kind: 'payment'; readonly payment: PaymentRecord }
  | { readonly kind: 'decision'; readonly decision: Decision }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string };

/** The txid a 2PC operation is about. */
export function operationTxid(operation: LegOperation): bigint {
  const { prepareDebit, prepareCredit, prepareTransfer, commit, abort } = operation;
  return (
    prepareDebit?.txid ??
    prepareCredit?.txid ??
    prepareTransfer?.txid ??
    commit?.txid ??
    abort?.txid ??
    0n
  );
}

/** `prepareDebit`, `commit`, …: the kind of a 2PC operation. */
export function operationName(operation: LegOperation): string {
  const { prepareDebit, prepareCredit, prepareTransfer, commit } = operation;
  if (prepareDebit) return 'prepareDebit';
  if (prepareCredit) return 'prepareCredit';
  if (prepareTransfer) return 'prepareTransfer';
  return commit ? 'commit' : 'abort';
}

/** A trace line for a request from `from` to `to`. */
export function describeRequest(from: string, to: string, request: Request): Note {
  const route = `${from} → ${to}`;
  switch (request.kind) {
    case 'leg': {
      const txid = operationTxid(request.operation);
      return {
        text: `${route}: ${operationName(request.operation)} tx ${txid}`,
        tags: [from, to, `tx:${txid}`],
      };
    }
    case 'pay': {
      const { key, to: payee, amount } = request.input;
      return {
        text: `${route}: pay key ${key} ${request.user.account} → ${payee} ${amount}`,
        tags: [from, to, `key:${key}`],
      };
    }
    case 'resolve':
      return {
        text: `${route}: resolve tx ${request.txid}`,
        tags: [from, to, `tx:${request.txid}`],
      };
  }
}

/** A trace line for the reply to `request`. */
export function describeResponse(
  from: string,
  to: string,
  request: Request,
  response: Response,
): Note {
  const asked = describeRequest(to, from, request);
  const route = `${from} → ${to}`;
  switch (response.kind) {
    case 'leg': {
      const result = response.result;
      const vote = result.prepareDebit ?? result.prepareCredit ?? result.prepareTransfer;
      const what = result.error
        ? `error ${result.error.code}: ${result.error.message}`
        : vote
          ? `vote ${vote.vote === Vote.VOTE_YES ? 'YES' : `NO ${vote.detail}`}`
          : 'ack';
      return { text: `${route}: reply ${what}`, tags: [...asked.tags] };
    }
    case 'payment': {
      const p = response.payment;
      return {
        text: `${route}: reply key ${p.key} tx ${p.txid} ${p.status}`,
        tags: [...asked.tags, `tx:${p.txid}`],
      };
    }
    case 'decision':
      return { text: `${route}: reply ${response.decision}`, tags: [...asked.tags] };
    case 'refused':
      return { text: `${route}: reply ${response.code}`, tags: [...asked.tags] };
  }
}
