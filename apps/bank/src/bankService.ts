import {
  assertAccountNo,
  formatAmount,
  Internal,
  InvalidArgument,
  MAX_LEG_OPERATIONS,
} from '@strife/domain';
import type { Ledger, TransactionPage } from '@strife/ledger';
import type { BankServiceImplementation, LegOperation, LegOperationResult } from '@strife/protocol';
import {
  bounded,
  type CallLog,
  type CallLogContext,
  type Failpoints,
  type Logger,
} from '@strife/runtime';
import { legOperations } from './legOperations';
import { accountToWire, legRecordToWire } from './wire';

const MAX_PAGE = 1000;
/** Longest page token accepted; the ledger's cursors are far shorter. */
const MAX_PAGE_TOKEN = 64;

type Answer = Exclude<keyof LegOperationResult, 'error'>;

const NO_LOG: CallLog = { annotate: () => undefined };

/**
 * The Bank gRPC service over one ledger. NO votes are answers, not errors. Every 2PC operation,
 * whether it arrives alone or in an ApplyLegs batch, runs through `legOperations`; every write
 * goes through the ledger's group commit, so concurrent calls share a transaction and its fsync,
 * each answered only once it is durable.
 */
export function bankService(
  ledger: Ledger,
  failpoints: Failpoints,
  logger: Logger,
): BankServiceImplementation<CallLogContext> {
  const operations = legOperations(ledger, failpoints, logger);

  /** A unary 2PC RPC: the ApplyLegs operation it is, its error thrown as the RPC's own. */
  async function unary<K extends Answer>(
    operation: LegOperation,
    answer: K,
    log: CallLog,
  ): Promise<NonNullable<LegOperationResult[K]>> {
    const result = await operations.applyOrThrow(operation, log);
    const value = result[answer];
    if (value === undefined) throw new Internal(`a ${answer} operation answered something else`);
    return value;
  }

  /**
   * One ApplyLegs operation, with its own debug line carrying the fields a unary call's line
   * would (the ApplyLegs call's line carries only the count) and the payment's request id.
   */
  async function applyLogged(operation: LegOperation): Promise<LegOperationResult> {
    if (!logger.isLevelEnabled('debug')) return operations.apply(operation, NO_LOG);
    const fields: Record<string, unknown> =
      operation.requestId === '' ? {} : { requestId: bounded(operation.requestId) };
    const result = await operations.apply(operation, {
      annotate: (more) => {
        for (const [name, value] of Object.entries(more)) fields[name] = bounded(value);
      },
    });
    logger.debug(fields, 'leg operation');
    return result;
  }

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
      return { account: accountToWire(account) };
    },

    getAccount(request, context) {
      assertAccountNo(request.accountNo, 'account_no');
      context.callLog.annotate({ account: request.accountNo });
      return Promise.resolve({ account: accountToWire(ledger.getAccount(request.accountNo)) });
    },

    prepareDebit: (request, { callLog }) =>
      unary({ prepareDebit: request, requestId: '' }, 'prepareDebit', callLog),
    prepareCredit: (request, { callLog }) =>
      unary({ prepareCredit: request, requestId: '' }, 'prepareCredit', callLog),
    commit: (request, { callLog }) => unary({ commit: request, requestId: '' }, 'commit', callLog),
    abort: (request, { callLog }) => unary({ abort: request, requestId: '' }, 'abort', callLog),

    async applyLegs(request, { callLog }) {
      const { operations } = request;
      callLog.annotate({ operations: operations.length });
      if (operations.length > MAX_LEG_OPERATIONS) {
        throw new InvalidArgument('operations', `at most ${MAX_LEG_OPERATIONS} per request`);
      }
      return { results: await Promise.all(operations.map(applyLogged)) };
    },

    listTransactions(request) {
      if (request.pageSize > MAX_PAGE) {
        throw new InvalidArgument('page_size', `must be at most ${MAX_PAGE}`);
      }
      if (request.accountNo !== '') assertAccountNo(request.accountNo, 'account_no');
      const page = listPage(ledger, request.accountNo, request.pageSize, request.pageToken);
      return Promise.resolve({
        records: page.records.map(legRecordToWire),
        nextPageToken: page.nextCursor ?? '',
      });
    },
  };
}

/** A page of the ledger's log, a bad page token refused as `page_token`. */
function listPage(
  ledger: Ledger,
  accountNo: string,
  pageSize: number,
  pageToken: string,
): TransactionPage {
  const badToken = () =>
    new InvalidArgument(
      'page_token',
      `is not a token from a previous response (${pageToken.length} characters)`,
    );
  if (pageToken.length > MAX_PAGE_TOKEN) throw badToken();
  try {
    return ledger.listTransactions({
      accountNo: accountNo || undefined,
      limit: pageSize || undefined,
      cursor: pageToken || undefined,
    });
  } catch (err) {
    if (err instanceof InvalidArgument && err.field === 'cursor') throw badToken();
    throw err;
  }
}
