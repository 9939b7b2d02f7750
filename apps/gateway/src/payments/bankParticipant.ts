import type { Leg, Participant, Vote as CoordinatorVote } from '@strife/coordinator';
import { type BankServiceDefinition, Leg as WireLeg, Vote, VoteNoReason } from '@strife/protocol';
import type { Client } from 'nice-grpc';

type BankClient = Client<typeof BankServiceDefinition, { deadline?: Date | number }>;

const PREFIX = 'VOTE_NO_REASON_';

/** Adapts one bank's gRPC client to the coordinator's participant interface. */
export function bankParticipant(client: BankClient, commitTimeoutMs: number): Participant {
  const wireLeg = (leg: Leg): WireLeg =>
    leg.kind === 'debit' ? WireLeg.LEG_DEBIT : WireLeg.LEG_CREDIT;
  return {
    async prepare(txid, leg, signal): Promise<CoordinatorVote> {
      const request = { txid, accountNo: leg.account, amount: leg.amount };
      const answer =
        leg.kind === 'debit'
          ? await client.prepareDebit(request, { signal })
          : await client.prepareCredit(request, { signal });
      if (answer.vote === Vote.VOTE_YES) return { vote: 'YES' };
      return {
        vote: 'NO',
        reason: VoteNoReason[answer.reason].slice(PREFIX.length),
        detail: answer.detail,
      };
    },
    async commit(txid, leg, signal) {
      await client.commit({ txid, leg: wireLeg(leg) }, { signal, deadline: commitTimeoutMs });
    },
    async abort(txid, leg, signal) {
      await client.abort({ txid, leg: wireLeg(leg) }, { signal, deadline: commitTimeoutMs });
    },
  };
}
