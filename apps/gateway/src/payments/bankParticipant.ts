import type { Leg, Participant } from '@strife/coordinator';
import { DependencyUnavailable, Internal, LegRefused } from '@strife/domain';
import {
  type BankServiceDefinition,
  legKindToWire,
  type LegOperationResult,
  voteFromWire,
} from '@strife/protocol';
import { type Client, Status } from 'nice-grpc';
import { LegBatcher } from './legBatcher';

type BankClient = Client<typeof BankServiceDefinition, { deadline?: Date | number }>;
export type Answerable = 'prepareDebit' | 'prepareCredit' | 'prepareTransfer' | 'commit' | 'abort';

/**
 * The answer of one operation, or the error its own RPC would have meant, as a domain error: a
 * refusal of a Commit/Abort (FAILED_PRECONDITION: the leg unknown there, or in the other final
 * state) is `LegRefused`, which the coordinator keeps re-sending slowly and reports; anything
 * else is a failure to answer, retried.
 */
export function answerOf<K extends Answerable>(
  bank: string,
  result: LegOperationResult,
  kind: K,
): NonNullable<LegOperationResult[K]> {
  if (result.error) {
    const { code, message } = result.error;
    if (code === (Status.FAILED_PRECONDITION as number)) throw new LegRefused(bank, message);
    const status = (Status as Partial<Record<number, string>>)[code] ?? String(code);
    throw new DependencyUnavailable(`bank ${bank} failed the ${kind}: ${status}: ${message}`);
  }
  const answer = result[kind];
  if (answer === undefined)
    throw new Internal(`bank ${bank} answered a ${kind} with something else`);
  return answer;
}

/**
 * Adapts one bank to the coordinator's per-transaction participant interface, batching on the
 * wire: every Prepare, Commit and Abort goes through a `LegBatcher` as one operation of an
 * ApplyLegs request. A batch's gRPC deadline is twice the coordinator's prepare timeout (or the
 * commit timeout if longer), so a slow bank is reported as the coordinator's TIMEOUT (or a
 * missing ack, retried) rather than racing it as an UNAVAILABLE deadline error. Each operation
 * carries the request id `requestIdOf` gives for its txid, for the bank's log lines.
 */
export function bankParticipant(
  bank: string,
  client: BankClient,
  timeouts: { readonly prepareTimeoutMs: number; readonly commitTimeoutMs: number },
  requestIdOf: (txid: bigint) => string = () => '',
): Participant {
  const deadline = Math.max(2 * timeouts.prepareTimeoutMs, timeouts.commitTimeoutMs);
  const batcher = new LegBatcher(async (operations) => {
    const { results } = await client.applyLegs({ operations }, { deadline });
    return results;
  });
  return {
    async prepare(txid, leg: Leg, signal) {
      const { account: accountNo, amount } = leg;
      switch (leg.kind) {
        case 'debit': {
          const operation = {
            prepareDebit: { txid, accountNo, amount },
            requestId: requestIdOf(txid),
          };
          const result = await batcher.apply(operation, signal);
          return voteFromWire(answerOf(bank, result, 'prepareDebit'));
        }
        case 'credit': {
          const operation = {
            prepareCredit: { txid, accountNo, amount },
            requestId: requestIdOf(txid),
          };
          const result = await batcher.apply(operation, signal);
          return voteFromWire(answerOf(bank, result, 'prepareCredit'));
        }
        case 'transfer': {
          const toAccountNo = leg.toAccount ?? '';
          const request = { txid, fromAccountNo: accountNo, toAccountNo, amount };
          const operation = { prepareTransfer: request, requestId: requestIdOf(txid) };
          const result = await batcher.apply(operation, signal);
          return voteFromWire(answerOf(bank, result, 'prepareTransfer'));
        }
      }
    },
    async commit(txid, leg, signal) {
      const operation = {
        commit: { txid, leg: legKindToWire(leg.kind) },
        requestId: requestIdOf(txid),
      };
      answerOf(bank, await batcher.apply(operation, signal), 'commit');
    },
    async abort(txid, leg, signal) {
      const operation = {
        abort: { txid, leg: legKindToWire(leg.kind) },
        requestId: requestIdOf(txid),
      };
      answerOf(bank, await batcher.apply(operation, signal), 'abort');
    },
  };
}
