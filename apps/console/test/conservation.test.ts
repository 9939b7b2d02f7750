import { countMoney, type BankBooks } from '../src/money/books';
import { Conservation } from '../src/money/conservation';

const bank = (name: string, balance: bigint, extra: Partial<BankBooks> = {}): BankBooks => ({
  name,
  balance,
  accounts: 2,
  preparedCount: extra.prepared?.length ?? 0,
  prepared: [],
  ...extra,
});
const decided = (states: Record<string, string>, truncated = false) => ({
  states: new Map(Object.entries(states).map(([k, v]) => [BigInt(k), v])),
  truncated,
});

describe('counting the money in the banks', () => {
  it('adds committed money between its debit and its credit, whichever bank went first', () => {
    // 100 from A to B, txid 7 decided COMMIT: A has committed its debit, B's credit is PREPARED.
    const creditPending = countMoney(
      [
        bank('A', 900n),
        bank('B', 1000n, { prepared: [{ txid: 7n, leg: 'credit', amount: 100n }] }),
      ],
      decided({ 7: 'COMMIT' }),
    );
    expect(creditPending).toEqual({ known: true, balances: 1900n, inFlight: 100n, accounts: 4 });
    const debitPending = countMoney(
      [
        bank('A', 1000n, { prepared: [{ txid: 7n, leg: 'debit', amount: 100n }] }),
        bank('B', 1100n),
      ],
      decided({ 7: 'COMMIT' }),
    );
    expect(debitPending).toMatchObject({ balances: 2100n, inFlight: -100n });
  });

  it('ignores PREPARED legs of undecided and aborted payments, and transfers', () => {
    const reading = countMoney(
      [
        bank('A', 1000n, {
          prepared: [
            { txid: 1n, leg: 'debit', amount: 5n },
            { txid: 2n, leg: 'credit', amount: 5n },
            { txid: 3n, leg: 'transfer', amount: 5n },
          ],
        }),
      ],
      decided({ 1: 'INITIATED', 2: 'ABORT' }),
    );
    expect(reading).toMatchObject({ known: true, inFlight: 0n });
  });

  it('cannot count with a bank down, legs PREPARED and no gateway, or lists cut short', () => {
    expect(countMoney([{ name: 'A', error: 'UNAVAILABLE' }], decided({}))).toEqual({
      known: false,
      reason: 'bank A is unreachable',
    });
    const prepared = bank('A', 1n, { prepared: [{ txid: 1n, leg: 'debit', amount: 1n }] });
    expect(countMoney([prepared], undefined)).toMatchObject({ known: false });
    expect(countMoney([prepared], decided({}, true))).toMatchObject({ known: false });
    expect(countMoney([bank('A', 1n, { preparedCount: 300 })], decided({}))).toMatchObject({
      known: false,
    });
    expect(countMoney([bank('A', 1n)], undefined)).toMatchObject({ known: true });
  });
});

describe('the conservation verdict', () => {
  const known = (money: bigint, accounts = 4) =>
    ({ known: true, balances: money, inFlight: 0n, accounts }) as const;

  it('holds while the books hold the seeds', () => {
    const check = new Conservation({ money: 2000n, accounts: 4 });
    expect(check.observe(known(2000n))).toMatchObject({
      ok: true,
      state: 'HOLDS',
      expected: '20.00',
      actual: '20.00',
      difference: '0.00',
    });
  });

  it('breaks only once the same difference is read twice, and says by how much', () => {
    const check = new Conservation({ money: 2000n, accounts: 4 });
    check.observe(known(2000n));
    expect(check.observe(known(1990n))).toMatchObject({ ok: true, state: 'HOLDS', settling: true });
    expect(check.observe(known(1990n))).toMatchObject({
      ok: false,
      state: 'BROKEN',
      settling: false,
      difference: '-0.10',
    });
    expect(check.observe(known(2000n))).toMatchObject({ ok: true, state: 'HOLDS' });
  });

  it('takes a steady surplus with new accounts as their deposits, but not without them', () => {
    const check = new Conservation({ money: 2000n, accounts: 4 });
    check.observe(known(2000n));
    check.observe(known(2500n, 5));
    expect(check.observe(known(2500n, 5))).toMatchObject({
      ok: true,
      expected: '25.00',
      deposits: '5.00',
    });
    check.observe(known(2600n, 5));
    expect(check.observe(known(2600n, 5))).toMatchObject({ ok: false, state: 'BROKEN' });
  });

  it('never takes a shortfall as a deposit, even with new accounts', () => {
    const check = new Conservation({ money: 2000n, accounts: 4 });
    check.observe(known(1500n, 5));
    expect(check.observe(known(1500n, 5))).toMatchObject({ ok: false, state: 'BROKEN' });
  });

  it('is unknown while the books cannot be counted', () => {
    const check = new Conservation({ money: 2000n, accounts: 4 });
    expect(check.observe({ known: false, reason: 'bank A is unreachable' })).toMatchObject({
      ok: false,
      state: 'UNKNOWN',
      actual: null,
      detail: 'Cannot check: bank A is unreachable.',
    });
  });
});
