import { Leg, type LegOperation } from '@strife/protocol';
import { ServerError, Status } from 'nice-grpc-common';
import { callContext, type InProcessBank, inProcessBank, legsOf } from './inProcess';

/** What pino adds to every line; the rest are the operation's own fields. */
const PINO_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** An operation's answer as the service returns it. */
type Result = NonNullable<
  Awaited<ReturnType<InProcessBank['service']['applyLegs']>>['results']
>[number];

/**
 * One sequence of 2PC operations covering every answer a leg operation can give: YES and NO
 * votes, commits and aborts and their repeats, presumed abort, and each kind of error.
 */
const OPERATIONS: Omit<LegOperation, 'requestId'>[] = [
  { prepareDebit: { txid: 1n, accountNo: '2001', amount: 2_500n } },
  { prepareCredit: { txid: 1n, accountNo: '2002', amount: 2_500n } },
  { prepareDebit: { txid: 2n, accountNo: '2002', amount: 1_000_000n } },
  { prepareCredit: { txid: 3n, accountNo: '9999', amount: 1n } },
  { prepareDebit: { txid: 4n, accountNo: '2001', amount: 0n } },
  { prepareDebit: { txid: 1n, accountNo: '2001', amount: 2_499n } },
  { prepareDebit: { txid: 0n, accountNo: '2001', amount: 1n } },
  { prepareCredit: { txid: 5n, accountNo: 'x'.repeat(10_000), amount: 1n } },
  { commit: { txid: 1n, leg: Leg.LEG_DEBIT } },
  { commit: { txid: 1n, leg: Leg.LEG_CREDIT } },
  { commit: { txid: 1n, leg: Leg.LEG_CREDIT } },
  { abort: { txid: 1n, leg: Leg.LEG_DEBIT } },
  { commit: { txid: 99n, leg: Leg.LEG_DEBIT } },
  { commit: { txid: 1n, leg: Leg.LEG_UNSPECIFIED } },
  { abort: { txid: 6n, leg: Leg.LEG_CREDIT } },
  { prepareCredit: { txid: 6n, accountNo: '2001', amount: 5n } },
  { prepareDebit: { txid: 7n, accountNo: '2001', amount: 100n } },
  { abort: { txid: 7n, leg: Leg.LEG_DEBIT } },
  { commit: { txid: 7n, leg: Leg.LEG_DEBIT } },
  { abort: { txid: 8n, leg: Leg.LEG_TRANSFER } },
  { commit: { txid: 8n, leg: Leg.LEG_TRANSFER } },
];

/** Each with the request id that drove it, which the bank's line must carry. */
const SEQUENCE: LegOperation[] = OPERATIONS.map((op, i) => ({ ...op, requestId: `req-${i}` }));

/** Sends one operation through its own unary RPC, its error read back as ApplyLegs reports it. */
async function viaUnary(
  bank: InProcessBank,
  operation: LegOperation,
): Promise<{ result: Result; fields: Record<string, unknown> }> {
  // The call line of a unary RPC carries the request id its metadata brought.
  const { context, fields } = callContext(operation.requestId);
  const { service } = bank;
  try {
    if (operation.prepareDebit) {
      return {
        result: { prepareDebit: await service.prepareDebit(operation.prepareDebit, context) },
        fields,
      };
    }
    if (operation.prepareCredit) {
      return {
        result: { prepareCredit: await service.prepareCredit(operation.prepareCredit, context) },
        fields,
      };
    }
    if (operation.commit)
      return { result: { commit: await service.commit(operation.commit, context) }, fields };
    if (operation.abort)
      return { result: { abort: await service.abort(operation.abort, context) }, fields };
    throw new Error('no unary RPC for this operation');
  } catch (err) {
    expect(err).toBeInstanceOf(ServerError);
    const { code, details } = err as ServerError;
    return { result: { error: { code, message: details } }, fields };
  }
}

/** Sends one operation as a one-operation ApplyLegs request; its fields come from its log line. */
async function viaApplyLegs(
  bank: InProcessBank,
  operation: LegOperation,
): Promise<{ result: Result; fields: Record<string, unknown> }> {
  const before = bank.lines().length;
  const { results } = await bank.service.applyLegs(
    { operations: [operation] },
    callContext().context,
  );
  expect(results).toHaveLength(1);
  const line = bank
    .lines()
    .slice(before)
    .find((l) => l.msg === 'leg operation');
  const fields = Object.fromEntries(
    Object.entries(line ?? {}).filter(([key]) => !PINO_FIELDS.has(key)),
  );
  return { result: results![0]!, fields };
}

describe('the unary 2PC RPCs and ApplyLegs', () => {
  it('answer, log, fail and hit failpoints identically for the same operations', async () => {
    const unary = inProcessBank();
    const batched = inProcessBank();
    for (const operation of SEQUENCE) {
      const one = await viaUnary(unary, operation);
      const other = await viaApplyLegs(batched, operation);
      expect({ operation, ...other }).toEqual({ operation, ...one });
      expect(one.fields).toHaveProperty('txid');
      expect(other.fields).toHaveProperty('requestId', operation.requestId);
    }
    expect(batched.hits).toEqual(unary.hits);
    expect(batched.ledger.totals()).toEqual(unary.ledger.totals());
    expect(legsOf(batched.ledger)).toEqual(legsOf(unary.ledger));
    for (const accountNo of ['2001', '2002']) {
      expect(batched.ledger.getAccount(accountNo)).toEqual(unary.ledger.getAccount(accountNo));
    }
    unary.ledger.close();
    batched.ledger.close();
  });

  it('give the answers a bank must give', async () => {
    const bank = inProcessBank();
    const results: Result[] = [];
    for (const operation of SEQUENCE) results.push((await viaUnary(bank, operation)).result);
    const codes = results.map((r) =>
      r.error?.code === undefined ? Object.keys(r)[0] : Status[r.error.code],
    );
    expect(codes).toEqual([
      'prepareDebit',
      'prepareCredit',
      'prepareDebit',
      'prepareCredit',
      'prepareDebit',
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'commit',
      'commit',
      'commit',
      'FAILED_PRECONDITION',
      'FAILED_PRECONDITION',
      'INVALID_ARGUMENT',
      'abort',
      'prepareCredit',
      'prepareDebit',
      'abort',
      'FAILED_PRECONDITION',
      'abort',
      'FAILED_PRECONDITION',
    ]);
    // A huge account number is refused without being echoed.
    expect(results[7]?.error?.message?.length).toBeLessThan(120);
    expect(bank.hits.filter((h) => h === 'bank.after-prepare-log')).toHaveLength(7);
    expect(bank.ledger.getAccount('2001')).toMatchObject({ balance: 97_500n, held: 0n });
    bank.ledger.close();
  });
});
