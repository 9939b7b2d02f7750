import {
  IdempotencyKeyReused,
  INT64_MAX,
  InvalidArgument,
  MAX_BALANCE,
  UnknownAccount,
} from '@strife/domain';
import { Ledger } from '../src';
import { seededLedger, thrown } from './helpers';

describe('openAccount', () => {
  let ledger: Ledger;
  beforeEach(() => {
    ledger = Ledger.open(':memory:');
  });
  afterEach(() => {
    ledger.close();
  });

  it('numbers the first account 1001 and deposits the initial amount', () => {
    const account = ledger.openAccount({ requestId: 'r1', holder: 'Asha', initialDeposit: 250n });
    expect(account).toEqual({
      accountNo: '1001',
      holder: 'Asha',
      balance: 250n,
      held: 0n,
      incoming: 0n,
      available: 250n,
      open: true,
    });
    expect(ledger.totals()).toEqual({ balance: 250n, held: 0n, incoming: 0n, accounts: 1 });
  });

  it('gives each new account one past the highest existing number', () => {
    const first = ledger.openAccount({ requestId: 'a', holder: 'A', initialDeposit: 0n });
    const second = ledger.openAccount({ requestId: 'b', holder: 'B', initialDeposit: 0n });
    expect([first.accountNo, second.accountNo]).toEqual(['1001', '1002']);
  });

  it('starts at firstAccountNo on empty books', () => {
    const custom = Ledger.open(':memory:', { firstAccountNo: 2001n });
    expect(custom.openAccount({ requestId: 'r', holder: 'H', initialDeposit: 0n }).accountNo).toBe(
      '2001',
    );
    custom.close();
  });

  it('continues after the numerically highest seeded account, whatever its width', () => {
    ledger.importSeed([
      { accountNo: '99', holder: 'Short', balance: 0n },
      { accountNo: '0000100', holder: 'Padded', balance: 0n },
      { accountNo: '5', holder: 'Tiny', balance: 0n },
    ]);
    expect(ledger.openAccount({ requestId: 'r', holder: 'N', initialDeposit: 0n }).accountNo).toBe(
      '101',
    );
  });

  it('counts past int64 for 20-digit account numbers', () => {
    ledger.importSeed([{ accountNo: '12345678901234567890', holder: 'Big', balance: 0n }]);
    expect(ledger.openAccount({ requestId: 'r', holder: 'N', initialDeposit: 0n }).accountNo).toBe(
      '12345678901234567891',
    );
  });

  it('returns the same account for a repeated requestId and deposits only once', () => {
    const input = { requestId: 'req-7', holder: 'Ravi', initialDeposit: 1_000n };
    const first = ledger.openAccount(input);
    const again = ledger.openAccount(input);
    expect(again).toEqual(first);
    expect(ledger.totals()).toEqual({ balance: 1_000n, held: 0n, incoming: 0n, accounts: 1 });
  });

  it('returns the account as it stands now on a repeat', () => {
    const input = { requestId: 'req-8', holder: 'Ravi', initialDeposit: 1_000n };
    const { accountNo } = ledger.openAccount(input);
    expect(ledger.prepareDebit({ txid: 1n, accountNo, amount: 400n })).toEqual({ vote: 'YES' });
    expect(ledger.openAccount(input)).toMatchObject({ accountNo, held: 400n, available: 600n });
  });

  it('treats the holder name trimmed, so a repeat with extra spaces is the same request', () => {
    const first = ledger.openAccount({ requestId: 'r', holder: ' Ravi ', initialDeposit: 1n });
    expect(first.holder).toBe('Ravi');
    expect(ledger.openAccount({ requestId: 'r', holder: 'Ravi', initialDeposit: 1n })).toEqual(
      first,
    );
  });

  it('refuses a reused requestId with a different request, naming what differs', () => {
    ledger.openAccount({ requestId: 'r', holder: 'Ravi', initialDeposit: 1n });
    const err = thrown(
      () => ledger.openAccount({ requestId: 'r', holder: 'Mira', initialDeposit: 2n }),
      IdempotencyKeyReused,
    );
    expect(err.fields).toEqual(['holder', 'initialDeposit']);
    expect(ledger.totals()).toEqual({ balance: 1n, held: 0n, incoming: 0n, accounts: 1 });
  });

  it.each([
    ['requestId', { requestId: '', holder: 'H', initialDeposit: 0n }],
    ['requestId', { requestId: 'x'.repeat(201), holder: 'H', initialDeposit: 0n }],
    ['holder', { requestId: 'r', holder: '', initialDeposit: 0n }],
    ['holder', { requestId: 'r', holder: '   ', initialDeposit: 0n }],
    ['holder', { requestId: 'r', holder: 'h'.repeat(201), initialDeposit: 0n }],
    ['initialDeposit', { requestId: 'r', holder: 'H', initialDeposit: -1n }],
    ['initialDeposit', { requestId: 'r', holder: 'H', initialDeposit: MAX_BALANCE + 1n }],
    ['initialDeposit', { requestId: 'r', holder: 'H', initialDeposit: INT64_MAX }],
    ['initialDeposit', { requestId: 'r', holder: 'H', initialDeposit: 5 as unknown as bigint }],
  ])('refuses a bad %s and opens nothing', (field, input) => {
    const err = thrown(() => ledger.openAccount(input), InvalidArgument);
    expect(err.field).toBe(field);
    expect(ledger.totals().accounts).toBe(0);
  });

  it('accepts a deposit of MAX_BALANCE and names the limit when refusing more', () => {
    const account = ledger.openAccount({
      requestId: 'r',
      holder: 'H',
      initialDeposit: MAX_BALANCE,
    });
    expect(account.balance).toBe(MAX_BALANCE);
    const err = thrown(
      () => ledger.openAccount({ requestId: 's', holder: 'H', initialDeposit: MAX_BALANCE + 1n }),
      InvalidArgument,
    );
    expect(err.message).toBe(
      'initialDeposit: must be at most 1000000000000000 minor units (10000000000000.00), ' +
        'the most one account may hold (MAX_BALANCE)',
    );
  });
});

describe('getAccount', () => {
  it('reports balance, held and available', () => {
    const ledger = seededLedger();
    ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 3_000n });
    expect(ledger.getAccount('1001')).toEqual({
      accountNo: '1001',
      holder: 'Alice',
      balance: 10_000n,
      held: 3_000n,
      incoming: 0n,
      available: 7_000n,
      open: true,
    });
    ledger.close();
  });

  it('throws UnknownAccount for a well-formed number it does not hold', () => {
    const ledger = seededLedger();
    const err = thrown(() => ledger.getAccount('4242'), UnknownAccount);
    expect(err.account).toBe('4242');
    ledger.close();
  });

  it.each(['', 'abc', '12a', '1'.repeat(21), ' 1001'])(
    'throws InvalidArgument for the malformed number %j',
    (accountNo) => {
      const ledger = seededLedger();
      const err = thrown(() => ledger.getAccount(accountNo), InvalidArgument);
      expect(err.field).toBe('accountNo');
      ledger.close();
    },
  );
});

describe('Ledger.open', () => {
  it.each([0n, -5n, 10n ** 20n])('refuses firstAccountNo %s', (firstAccountNo) => {
    const err = thrown(() => Ledger.open(':memory:', { firstAccountNo }), InvalidArgument);
    expect(err.field).toBe('firstAccountNo');
  });

  it('sums balances and holds in totals', () => {
    const ledger = seededLedger();
    ledger.prepareDebit({ txid: 1n, accountNo: '1002', amount: 1_500n });
    expect(ledger.totals()).toEqual({ balance: 15_000n, held: 1_500n, incoming: 0n, accounts: 3 });
    ledger.close();
  });
});
