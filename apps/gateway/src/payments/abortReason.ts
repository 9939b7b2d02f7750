import type { AbortCause } from '@strife/coordinator';
import type { AbortReasonName } from './payment';

/** The payer-facing reason for a coordinator's abort cause. */
export function describeAbort(
  cause: AbortCause,
  prepareTimeoutMs: number,
): { name: AbortReasonName; reason: string } {
  switch (cause.kind) {
    case 'VOTED_NO':
      return votedNo(cause.participant, cause.reason, cause.detail);
    case 'TIMEOUT':
      return {
        name: 'TIMEOUT',
        reason: `bank ${cause.participant} did not answer within ${prepareTimeoutMs} ms`,
      };
    case 'UNAVAILABLE':
      return {
        name: 'BANK_UNAVAILABLE',
        reason: `bank ${cause.participant} is unavailable: ${cause.detail}`,
      };
    case 'PRESUMED':
      return {
        name: 'INTERRUPTED',
        reason: 'the payment was interrupted before a decision and did not happen',
      };
  }
}

function votedNo(
  bank: string,
  reason: string,
  detail: string | undefined,
): { name: AbortReasonName; reason: string } {
  const says = detail ? `: ${detail}` : '';
  switch (reason) {
    case 'INSUFFICIENT_FUNDS':
      return { name: 'INSUFFICIENT_FUNDS', reason: `insufficient funds${says}` };
    case 'UNKNOWN_ACCOUNT':
      return { name: 'UNKNOWN_ACCOUNT', reason: `unknown account at ${bank}${says}` };
    case 'INVALID_AMOUNT':
      return { name: 'INVALID_AMOUNT', reason: `invalid amount${says}` };
    case 'ACCOUNT_CLOSED':
      return { name: 'ACCOUNT_CLOSED', reason: `account closed at ${bank}${says}` };
    default:
      return { name: 'TIMEOUT', reason: `bank ${bank} had already given up on the payment${says}` };
  }
}
