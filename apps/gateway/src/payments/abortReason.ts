import type { AbortCause } from '@strife/coordinator';
import type { AbortReason } from '@strife/domain';

/** An abort as its payer sees it: the reason's name, and a sentence. */
export interface DescribedAbort {
  readonly reason: AbortReason;
  readonly text: string;
}

/**
 * The payer-facing reason for a coordinator's abort cause. It is written with the decision, so
 * every answer for the payment carries the same words.
 */
export function describeAbort(cause: AbortCause, prepareTimeoutMs: number): DescribedAbort {
  switch (cause.kind) {
    case 'VOTED_NO':
      return votedNo(cause.participant, cause.reason, cause.detail);
    case 'TIMEOUT':
      return {
        reason: 'TIMEOUT',
        text: `bank ${cause.participant} did not answer within ${prepareTimeoutMs} ms`,
      };
    case 'UNAVAILABLE':
      return {
        reason: 'BANK_UNAVAILABLE',
        text: `bank ${cause.participant} is unavailable: ${cause.detail}`,
      };
    case 'PRESUMED':
      return {
        reason: 'INTERRUPTED',
        text: 'the payment was interrupted before a decision and did not happen',
      };
  }
}

function votedNo(bank: string, reason: string, detail: string | undefined): DescribedAbort {
  const says = detail ? `: ${detail}` : '';
  switch (reason) {
    case 'INSUFFICIENT_FUNDS':
      return { reason: 'INSUFFICIENT_FUNDS', text: `insufficient funds${says}` };
    case 'UNKNOWN_ACCOUNT':
      return { reason: 'UNKNOWN_ACCOUNT', text: `unknown account at ${bank}${says}` };
    case 'INVALID_AMOUNT':
      return { reason: 'INVALID_AMOUNT', text: `invalid amount${says}` };
    case 'ACCOUNT_CLOSED':
      return { reason: 'ACCOUNT_CLOSED', text: `account closed at ${bank}${says}` };
    default:
      return { reason: 'TIMEOUT', text: `bank ${bank} had already given up on the payment${says}` };
  }
}
