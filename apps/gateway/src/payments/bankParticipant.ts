import type { Leg, Participant, Vote as CoordinatorVote } from '@strife/coordinator';
import {
  type BankServiceDefinition,
  Leg as WireLeg,
  type LegOperationResult,
  type PrepareDebitResponse,
  Vote,
  VoteNoReason,
} from '@strife/protocol';
import { ClientError, type Client, Status } from 'nice-grpc';
import { LegBatcher } from './legBatcher';

type BankClient = Client<typeof BankServiceDefinition, { deadline?: Date | number }>;

const PREFIX = 'VOTE_NO_REASON_';
const APPLY_LEGS = '/strife.v1.BankService/ApplyLegs';

/** A status code from the wire as the enum; a code this version does not know is UNKNOWN. */
function statusOf(code: number): Status {
  const name = Status[code] as keyof typeof Status | undefined;
  return name === undefined ? Status.UNKNOWN : Status[name];
}

/** The answer of one operation, or its error thrown as the error its own RPC would have raised. */
function answerOf<K extends 'prepareDebit' | 'prepareCredit' | 'commit' | 'abort'>(
  result: LegOperationResult,
  kind: K,
): NonNullable<LegOperationResult[K]> {
  if (result.error)
    throw new ClientError(APPLY_LEGS, statusOf(result.error.code), result.error.message);
  const answer = result[kind];
  if (answer === undefined) throw new Error(`the bank answered a ${kind} with something else`);
  return answer;
}

function voteOf(answer: PrepareDebitResponse): CoordinatorVote {
  if (answer.vote === Vote.VOTE_YES) return { vote: 'YES' };
  return {
    vote: 'NO',
    reason: VoteNoReason[answer.reason].slice(PREFIX.length),
    detail: answer.detail,
  };
}

/**
 * Adapts one bank to the coordinator's per-transaction participant interface, batching on the
 * wire: every Prepare, Commit and Abort goes through a `LegBatcher` as one operation of an
 * ApplyLegs request. A batch's gRPC deadline is twice the coordinator's prepare timeout (or the
 * commit timeout if longer), so a slow bank is reported as the coordinator's TIMEOUT (or a
 * missing ack, retried) rather than racing it as an UNAVAILABLE deadline error.
 */
export function bankParticipant(
  client: BankClient,
  timeouts: { readonly prepareTimeoutMs: number; readonly commitTimeoutMs: number },
): Participant {
  const deadline = Math.max(2 * timeouts.prepareTimeoutMs, timeouts.commitTimeoutMs);
  const batcher = new LegBatcher(async (operations) => {
    const { results } = await client.applyLegs({ operations }, { deadline });
    return results;
  });
  const wireLeg = (leg: Leg): WireLeg =>
    leg.kind === 'debit' ? WireLeg.LEG_DEBIT : WireLeg.LEG_CREDIT;
  return {
    async prepare(txid, leg, signal) {
      const request = { txid, accountNo: leg.account, amount: leg.amount };
      if (leg.kind === 'debit') {
        const result = await batcher.apply({ prepareDebit: request }, signal);
        return voteOf(answerOf(result, 'prepareDebit'));
      }
      const result = await batcher.apply({ prepareCredit: request }, signal);
      return voteOf(answerOf(result, 'prepareCredit'));
    },
    async commit(txid, leg, signal) {
      answerOf(await batcher.apply({ commit: { txid, leg: wireLeg(leg) } }, signal), 'commit');
    },
    async abort(txid, leg, signal) {
      answerOf(await batcher.apply({ abort: { txid, leg: wireLeg(leg) } }, signal), 'abort');
    },
  };
}
