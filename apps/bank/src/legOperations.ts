import { formatAmount, InvalidArgument, type Vote } from '@strife/domain';
import type { Ledger } from '@strife/ledger';
import {
  type LegOperation,
  type LegOperationResult,
  legKindFromWire,
  legStateToWire,
  voteToWire,
} from '@strife/protocol';
import type { ServerError } from 'nice-grpc-common';
import {
  type CallLog,
  type Failpoints,
  isUnexpectedError,
  type Logger,
  toServerError,
} from '@strife/runtime';

/** Failpoints a bank honours, named by 2PC step; each fires once per operation. */
export const BANK_FAILPOINTS = {
  /** Before anything is logged for a Prepare: a bank that stalls or dies before voting. */
  beforePrepare: 'bank.before-prepare',
  /** PREPARED (and its hold or reservation) is durable, the vote is not yet sent. */
  afterPrepareLog: 'bank.after-prepare-log',
  /** The commit is durable, the acknowledgement is not yet sent. */
  afterCommit: 'bank.after-commit',
  /** The abort is durable, the acknowledgement is not yet sent. */
  afterAbort: 'bank.after-abort',
  /** As a batch of writes commits (action `error`): the books' disk fails. */
  storeWrite: 'bank.store-write',
} as const;

/** The bank's 2PC operations, one at a time; `log` receives each operation's fields. */
export interface LegOperations {
  /** Applies one operation and answers it, its error included as a result: never rejects. */
  apply(operation: LegOperation, log: CallLog): Promise<LegOperationResult>;
  /** As `apply`, but an error rejects, as the `ServerError` that `apply` would have answered. */
  applyOrThrow(operation: LegOperation, log: CallLog): Promise<LegOperationResult>;
}

/**
 * The one implementation of the bank's side of 2PC on the wire: `ApplyLegs` runs it per
 * operation and the unary Prepare/Commit/Abort RPCs are thin wrappers over it, so failpoints,
 * log fields and errors are the same on both paths (test/legOperations.test.ts compares them).
 * Every write goes through the ledger's group commit, so an answer is given only once durable.
 */
export function legOperations(
  ledger: Ledger,
  failpoints: Failpoints,
  logger: Logger,
): LegOperations {
  const prepare = async (log: CallLog, vote: () => Vote): Promise<Vote> => {
    await failpoints.hit(BANK_FAILPOINTS.beforePrepare);
    const answer = await ledger.grouped(vote);
    await failpoints.hit(BANK_FAILPOINTS.afterPrepareLog);
    log.annotate(answer.vote === 'YES' ? { vote: 'YES' } : { vote: 'NO', reason: answer.reason });
    return answer;
  };
  const annotatePrepare = (log: CallLog, request: { txid: bigint; amount: bigint }) => {
    log.annotate({ txid: request.txid.toString(), amount: formatAmount(request.amount) });
  };

  const run = async (operation: LegOperation, log: CallLog): Promise<LegOperationResult> => {
    const { prepareDebit, prepareCredit, prepareTransfer, commit, abort } = operation;
    if (prepareDebit) {
      annotatePrepare(log, prepareDebit);
      log.annotate({ leg: 'debit', account: prepareDebit.accountNo });
      const vote = await prepare(log, () => ledger.prepareDebit(prepareDebit));
      return { prepareDebit: voteToWire(vote) };
    }
    if (prepareCredit) {
      annotatePrepare(log, prepareCredit);
      log.annotate({ leg: 'credit', account: prepareCredit.accountNo });
      const vote = await prepare(log, () => ledger.prepareCredit(prepareCredit));
      return { prepareCredit: voteToWire(vote) };
    }
    if (prepareTransfer) {
      annotatePrepare(log, prepareTransfer);
      const { fromAccountNo, toAccountNo } = prepareTransfer;
      log.annotate({ leg: 'transfer', account: fromAccountNo, toAccount: toAccountNo });
      const vote = await prepare(log, () => ledger.prepareTransfer(prepareTransfer));
      return { prepareTransfer: voteToWire(vote) };
    }
    if (commit) {
      log.annotate({ txid: commit.txid.toString() });
      const leg = legKindFromWire(commit.leg);
      log.annotate({ leg });
      const state = await ledger.grouped(() => ledger.commit(commit.txid, leg));
      await failpoints.hit(BANK_FAILPOINTS.afterCommit);
      return { commit: { state: legStateToWire(state) } };
    }
    if (abort) {
      log.annotate({ txid: abort.txid.toString() });
      const leg = legKindFromWire(abort.leg);
      log.annotate({ leg });
      const state = await ledger.grouped(() => ledger.abort(abort.txid, leg));
      await failpoints.hit(BANK_FAILPOINTS.afterAbort);
      return { abort: { state: legStateToWire(state) } };
    }
    throw new InvalidArgument('operations', 'an operation names none of its kinds');
  };

  /** The wire error for what `run` threw, logged once whichever path it takes. */
  const failure = (error: unknown, log: CallLog): ServerError => {
    const wire = toServerError(error);
    if (isUnexpectedError(error))
      logger.error({ err: error }, 'unexpected error in a leg operation');
    log.annotate({ error: wire.details });
    return wire;
  };

  return {
    async apply(operation, log) {
      try {
        return await run(operation, log);
      } catch (error) {
        const { code, details } = failure(error, log);
        return { error: { code, message: details } };
      }
    },
    async applyOrThrow(operation, log) {
      try {
        return await run(operation, log);
      } catch (error) {
        throw failure(error, log);
      }
    },
  };
}
