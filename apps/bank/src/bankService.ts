import type { Ledger } from '@strife/ledger';
import {
  ACCOUNT_NO,
  type BankServiceImplementation,
  formatAmount,
  InvalidArgument,
} from '@strife/protocol';
import type { CallLogContext, Failpoints } from '@strife/runtime';
import { legFromWire, legRecordToWire, legStateToWire, voteToWire } from './wire';

/** Failpoints a bank honours, named by 2PC step. */
export const BANK_FAILPOINTS = {
  /** Before anything is logged for a Prepare: a bank that stalls or dies before voting. */
  beforePrepare: 'bank.before-prepare',
  /** PREPARED (and its hold) is durable, the vote is not yet sent. */
  afterPrepareLog: 'bank.after-prepare-log',
  /** The commit is durable, the acknowledgement is not yet sent. */
  afterCommit: 'bank.after-commit',
  /** The abort is durable, the acknowledgement is not yet sent. */
  afterAbort: 'bank.after-abort',
} as const;

const MAX_PAGE = 1000;

/** The Bank gRPC service over one ledger. NO votes are answers, not errors. */
export function bankService(
  ledger: Ledger,
  failpoints: Failpoints,
): BankServiceImplementation<CallLogContext> {
  const prepare = async (
    leg: 'debit' | 'credit',
    request: { txid: bigint; accountNo: string; amount: bigint },
    context: CallLogContext,
  ) => {
    context.callLog.annotate({
      txid: request.txid.toString(),
      leg,
      account: request.accountNo,
      amount: formatAmount(request.amount),
    });
    await failpoints.hit(BANK_FAILPOINTS.beforePrepare);
    const vote = leg === 'debit' ? ledger.prepareDebit(request) : ledger.prepareCredit(request);
    context.callLog.annotate(
      vote.vote === 'YES' ? { vote: 'YES' } : { vote: 'NO', reason: vote.reason },
    );
    await failpoints.hit(BANK_FAILPOINTS.afterPrepareLog);
    return voteToWire(vote);
  };

  return {
    openAccount(request, context) {
      const account = ledger.openAccount({
        requestId: request.requestId,
        holder: request.holder,
        initialDeposit: request.initialDeposit,
      });
      context.callLog.annotate({
        account: account.accountNo,
        amount: formatAmount(request.initialDeposit),
      });
      return Promise.resolve({ account });
    },

    getAccount(request, context) {
      context.callLog.annotate({ account: request.accountNo });
      if (!ACCOUNT_NO.test(request.accountNo)) {
        throw new InvalidArgument('account_no', `"${request.accountNo}" is not an account number`);
      }
      return Promise.resolve({ account: ledger.getAccount(request.accountNo) });
    },

    prepareDebit: (request, context) => prepare('debit', request, context),
    prepareCredit: (request, context) => prepare('credit', request, context),

    async commit(request, context) {
      const leg = legFromWire(request.leg);
      context.callLog.annotate({ txid: request.txid.toString(), leg });
      const state = ledger.commit(request.txid, leg);
      await failpoints.hit(BANK_FAILPOINTS.afterCommit);
      return { state: legStateToWire(state) };
    },

    async abort(request, context) {
      const leg = legFromWire(request.leg);
      context.callLog.annotate({ txid: request.txid.toString(), leg });
      const state = ledger.abort(request.txid, leg);
      await failpoints.hit(BANK_FAILPOINTS.afterAbort);
      return { state: legStateToWire(state) };
    },

    listTransactions(request) {
      if (request.pageSize > MAX_PAGE) {
        throw new InvalidArgument('page_size', `must be at most ${MAX_PAGE}`);
      }
      const page = ledger.listTransactions({
        accountNo: request.accountNo || undefined,
        limit: request.pageSize || undefined,
        cursor: request.pageToken || undefined,
      });
      return Promise.resolve({
        records: page.records.map(legRecordToWire),
        nextPageToken: page.nextCursor ?? '',
      });
    },
  };
}
