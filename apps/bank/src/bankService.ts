import type { Ledger, LegName, Vote } from '@strife/ledger';
import { ACCOUNT_NO, formatAmount, InvalidArgument } from '@strife/domain';
import {
  type BankServiceImplementation,
  Leg,
  type LegOperation,
  type LegOperationResult,
} from '@strife/protocol';
import {
  type CallLog,
  type CallLogContext,
  type Failpoints,
  isUnexpectedError,
  type Logger,
  toServerError,
} from '@strife/runtime';
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
/** Most operations one ApplyLegs request may carry. */
export const MAX_LEG_OPERATIONS = 4096;

type PrepareRequest = { txid: bigint; accountNo: string; amount: bigint };

/**
 * The Bank gRPC service over one ledger. NO votes are answers, not errors. Every write goes
 * through the ledger's group commit, so concurrent calls, and the operations of one ApplyLegs
 * request, share a transaction and its fsync; each is answered only once it is durable.
 */
export function bankService(
  ledger: Ledger,
  failpoints: Failpoints,
  logger: Logger,
): BankServiceImplementation<CallLogContext> {
  const prepare = async (leg: LegName, request: PrepareRequest) => {
    await failpoints.hit(BANK_FAILPOINTS.beforePrepare);
    const vote = await ledger.grouped(() =>
      leg === 'debit' ? ledger.prepareDebit(request) : ledger.prepareCredit(request),
    );
    await failpoints.hit(BANK_FAILPOINTS.afterPrepareLog);
    return vote;
  };
  const commit = async (request: { txid: bigint; leg: Leg }) => {
    const leg = legFromWire(request.leg);
    const state = await ledger.grouped(() => ledger.commit(request.txid, leg));
    await failpoints.hit(BANK_FAILPOINTS.afterCommit);
    return { state: legStateToWire(state) };
  };
  const abort = async (request: { txid: bigint; leg: Leg }) => {
    const leg = legFromWire(request.leg);
    const state = await ledger.grouped(() => ledger.abort(request.txid, leg));
    await failpoints.hit(BANK_FAILPOINTS.afterAbort);
    return { state: legStateToWire(state) };
  };
  const annotatePrepare = (log: CallLog, leg: LegName, request: PrepareRequest): void => {
    log.annotate({
      txid: request.txid.toString(),
      leg,
      account: request.accountNo,
      amount: formatAmount(request.amount),
    });
  };
  const annotateVote = (log: CallLog, vote: Vote): void => {
    log.annotate(vote.vote === 'YES' ? { vote: 'YES' } : { vote: 'NO', reason: vote.reason });
  };

  /** One ApplyLegs operation, answered as its own RPC would be, its error included. */
  const apply = async (operation: LegOperation): Promise<LegOperationResult> => {
    try {
      if (operation.prepareDebit) {
        return { prepareDebit: voteToWire(await prepare('debit', operation.prepareDebit)) };
      }
      if (operation.prepareCredit) {
        return { prepareCredit: voteToWire(await prepare('credit', operation.prepareCredit)) };
      }
      if (operation.commit) return { commit: await commit(operation.commit) };
      if (operation.abort) return { abort: await abort(operation.abort) };
      throw new InvalidArgument('operations', 'an operation names none of its kinds');
    } catch (error) {
      const { code, details } = toServerError(error);
      if (isUnexpectedError(error)) {
        logger.error({ err: error }, 'unexpected error in a leg operation');
      }
      return { error: { code, message: details } };
    }
  };

  return {
    async openAccount(request, context) {
      const account = await ledger.grouped(() =>
        ledger.openAccount({
          requestId: request.requestId,
          holder: request.holder,
          initialDeposit: request.initialDeposit,
        }),
      );
      context.callLog.annotate({
        account: account.accountNo,
        amount: formatAmount(request.initialDeposit),
      });
      return { account };
    },

    getAccount(request, context) {
      context.callLog.annotate({ account: request.accountNo });
      if (!ACCOUNT_NO.test(request.accountNo)) {
        throw new InvalidArgument('account_no', `"${request.accountNo}" is not an account number`);
      }
      return Promise.resolve({ account: ledger.getAccount(request.accountNo) });
    },

    async prepareDebit(request, { callLog }) {
      annotatePrepare(callLog, 'debit', request);
      const vote = await prepare('debit', request);
      annotateVote(callLog, vote);
      return voteToWire(vote);
    },

    async prepareCredit(request, { callLog }) {
      annotatePrepare(callLog, 'credit', request);
      const vote = await prepare('credit', request);
      annotateVote(callLog, vote);
      return voteToWire(vote);
    },

    commit(request, { callLog }) {
      callLog.annotate({ txid: request.txid.toString(), leg: legFromWire(request.leg) });
      return commit(request);
    },

    abort(request, { callLog }) {
      callLog.annotate({ txid: request.txid.toString(), leg: legFromWire(request.leg) });
      return abort(request);
    },

    async applyLegs(request, { callLog }) {
      const { operations } = request;
      callLog.annotate({ operations: operations.length });
      if (operations.length > MAX_LEG_OPERATIONS) {
        throw new InvalidArgument('operations', `at most ${MAX_LEG_OPERATIONS} per request`);
      }
      return { results: await Promise.all(operations.map(apply)) };
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
