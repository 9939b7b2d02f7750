import type { Leg, Participant } from '@strife/coordinator';
import { Internal } from '@strife/domain';
import { LegOperation, legKindToWire, voteFromWire } from '@strife/protocol';

// The real adapter's reading of an answer: a refusal is `LegRefused`, anything else retried.
import { answerOf } from 'gateway/dist/payments/bankParticipant';
import type { Incarnation } from '../engine/incarnation';
import type { Rpc } from '../net/rpc';

/** The fields of an operation one sets; the others take their defaults (ts-proto's `fromPartial`). */
type Fields = Parameters<typeof LegOperation.fromPartial>[0];

/**
 * A bank as the coordinator of one gateway life sees it: each Prepare, Commit and Abort is one
 * `ApplyLegs` operation sent over the simulated network (the real gateway batches the operations
 * of a turn into one request; the meaning of each is the same). A transport failure rejects with
 * the `RpcError`, as nice-grpc's `ClientError` would; the coordinator's own deadline and signal
 * bound every call. `deadlineMs` is the batch deadline of the real adapter.
 */
export function bankParticipant(
  life: Incarnation,
  bank: string,
  rpc: Rpc,
  deadlineMs: number,
): Participant {
  const apply = async (fields: Fields, signal: AbortSignal) => {
    // Every other field of the operation at its default (as the wire would decode it).
    const operation = LegOperation.fromPartial(fields);
    const response = await rpc.call(
      life,
      bank,
      { kind: 'leg', operation },
      { timeoutMs: deadlineMs, signal },
    );
    if (response.kind !== 'leg') throw new Internal(`bank ${bank} answered ${response.kind}`);
    return response.result;
  };
  return {
    async prepare(txid, leg: Leg, signal) {
      const { account: accountNo, amount } = leg;
      switch (leg.kind) {
        case 'debit': {
          const result = await apply({ prepareDebit: { txid, accountNo, amount } }, signal);
          return voteFromWire(answerOf(bank, result, 'prepareDebit'));
        }
        case 'credit': {
          const result = await apply({ prepareCredit: { txid, accountNo, amount } }, signal);
          return voteFromWire(answerOf(bank, result, 'prepareCredit'));
        }
        case 'transfer': {
          const toAccountNo = leg.toAccount ?? '';
          const request = { txid, fromAccountNo: accountNo, toAccountNo, amount };
          const result = await apply({ prepareTransfer: request }, signal);
          return voteFromWire(answerOf(bank, result, 'prepareTransfer'));
        }
      }
    },
    async commit(txid, leg, signal) {
      const result = await apply({ commit: { txid, leg: legKindToWire(leg.kind) } }, signal);
      answerOf(bank, result, 'commit');
    },
    async abort(txid, leg, signal) {
      const result = await apply({ abort: { txid, leg: legKindToWire(leg.kind) } }, signal);
      answerOf(bank, result, 'abort');
    },
  };
}
