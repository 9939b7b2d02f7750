import type { Leg, Participant, Vote as CoordinatorVote } from '@strife/coordinator';
import { type BankServiceDefinition, Leg as WireLeg, Vote, VoteNoReason } from '@strife/protocol';
import type { Client } from 'nice-grpc';

type BankClient = Client<typeof BankServiceDefinition, { deadline?: Date | number }>;

const PREFIX = 'VOTE_NO_REASON_';

/**
 * Adapts one bank's gRPC client to the coordinator's participant interface. A Prepare's gRPC
 * deadline is twice the coordinator's prepare timeout, so a slow bank is always reported as the
 * coordinator's TIMEOUT rather than racing it as an UNAVAILABLE deadline error.
 */
export function bankParticipant(
  client: BankClient,
  timeouts: { readonly prepareTimeoutMs: number; readonly commitTimeoutMs: number },
): Participant {
  const prepareDeadline = 2 * timeouts.prepareTimeoutMs;
  const wireLeg = (leg: Leg): WireLeg =>
    leg.kind === 'debit' ? WireLeg.LEG_DEBIT : WireLeg.LEG_CREDIT;
  return {
    async prepare(txid, leg, signal): Promise<CoordinatorVote> {
      const request = { txid, accountNo: leg.account, amount: leg.amount };
      const answer =
        leg.kind === 'debit'
          ? await client.prepareDebit(request, { signal, deadline: prepareDeadline })
          : await client.prepareCredit(request, { signal, deadline: prepareDeadline });
      if (answer.vote === Vote.VOTE_YES) return { vote: 'YES' };
      return {
        vote: 'NO',
        reason: VoteNoReason[answer.reason].slice(PREFIX.length),
        detail: answer.detail,
      };
    },
    async commit(txid, leg, signal) {
      await client.commit(
        { txid, leg: wireLeg(leg) },
        { signal, deadline: timeouts.commitTimeoutMs },
      );
    },
    async abort(txid, leg, signal) {
      await client.abort(
        { txid, leg: wireLeg(leg) },
        { signal, deadline: timeouts.commitTimeoutMs },
      );
    },
  };
}
