import { InvalidArgument, MAX_BALANCE } from '@strife/domain';
import { Leg, LegState, Vote } from '@strife/protocol';
import { callContext, type InProcessBank, inProcessBank } from './inProcess';

const HUGE = 'x'.repeat(1_000_000);

/** The InvalidArgument a handler throws (the error middleware turns it into the status). */
async function refusal(call: () => Promise<unknown>): Promise<InvalidArgument> {
  try {
    await call();
  } catch (err) {
    if (err instanceof InvalidArgument) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('the bank service, in process', () => {
  let bank: InProcessBank;
  beforeEach(() => {
    bank = inProcessBank();
  });
  afterEach(() => {
    bank.ledger.close();
  });
  const ctx = () => callContext().context;

  describe('bounds its input and never echoes much of it', () => {
    it.each([
      [
        'GetAccount account_no',
        () => bank.service.getAccount({ accountNo: HUGE }, ctx()),
        'account_no',
      ],
      [
        'ListTransactions account_no',
        () => bank.service.listTransactions({ accountNo: HUGE, pageSize: 0, pageToken: '' }, ctx()),
        'account_no',
      ],
      [
        'ListTransactions page_token',
        () => bank.service.listTransactions({ accountNo: '', pageSize: 0, pageToken: HUGE }, ctx()),
        'page_token',
      ],
      [
        'ListTransactions page_token that is no cursor',
        () =>
          bank.service.listTransactions({ accountNo: '', pageSize: 0, pageToken: 'bm9wZQ' }, ctx()),
        'page_token',
      ],
      [
        'ListTransactions page_size',
        () =>
          bank.service.listTransactions({ accountNo: '', pageSize: 1001, pageToken: '' }, ctx()),
        'page_size',
      ],
      [
        'OpenAccount holder',
        () => bank.service.openAccount({ requestId: 'r', holder: HUGE, initialDeposit: 0n }, ctx()),
        'holder',
      ],
      [
        'OpenAccount request_id',
        () => bank.service.openAccount({ requestId: HUGE, holder: 'H', initialDeposit: 0n }, ctx()),
        'requestId',
      ],
      [
        'OpenAccount initial_deposit past MAX_BALANCE',
        () =>
          bank.service.openAccount(
            { requestId: 'r', holder: 'H', initialDeposit: MAX_BALANCE + 1n },
            ctx(),
          ),
        'initialDeposit',
      ],
    ])('%s', async (_name, call, field) => {
      const err = await refusal(call);
      expect(err.field).toBe(field);
      expect(err.message.length).toBeLessThan(160);
      expect(bank.ledger.totals().accounts).toBe(2);
    });

    it('names the limit when a deposit is past MAX_BALANCE', async () => {
      const err = await refusal(() =>
        bank.service.openAccount(
          { requestId: 'r', holder: 'H', initialDeposit: MAX_BALANCE + 1n },
          ctx(),
        ),
      );
      expect(err.message).toContain('MAX_BALANCE');
    });

    it('quotes a short prefix of a bad account number', async () => {
      const err = await refusal(() => bank.service.getAccount({ accountNo: `SBI:${HUGE}` }, ctx()));
      expect(err.message).toBe(
        `account_no: "SBI:${'x'.repeat(36)}"… (1000004 characters) is not an account number (1-20 digits)`,
      );
    });
  });

  it('serves a same-bank payment as one transfer leg through ApplyLegs', async () => {
    const txid = 42n;
    const prepared = await bank.service.applyLegs(
      {
        operations: [
          {
            prepareTransfer: { txid, fromAccountNo: '2001', toAccountNo: '2002', amount: 1_500n },
            requestId: '',
          },
          {
            prepareTransfer: { txid: 43n, fromAccountNo: '2002', toAccountNo: '2002', amount: 1n },
            requestId: '',
          },
        ],
      },
      ctx(),
    );
    expect(prepared.results).toEqual([
      { prepareTransfer: { vote: Vote.VOTE_YES, reason: 0, detail: '' } },
      {
        prepareTransfer: expect.objectContaining({
          vote: Vote.VOTE_NO,
          detail: 'a transfer moves money between two accounts, but 2002 is both payer and payee',
        }) as unknown,
      },
    ]);
    const { records } = await bank.service.listTransactions(
      { accountNo: '2002', pageSize: 10, pageToken: '' },
      ctx(),
    );
    expect(records?.[1]).toMatchObject({
      txid,
      leg: Leg.LEG_TRANSFER,
      accountNo: '2001',
      toAccountNo: '2002',
      amount: 1_500n,
      state: LegState.LEG_STATE_PREPARED,
    });
    const committed = await bank.service.applyLegs(
      { operations: [{ commit: { txid, leg: Leg.LEG_TRANSFER }, requestId: '' }] },
      ctx(),
    );
    expect(committed.results).toEqual([{ commit: { state: LegState.LEG_STATE_COMMITTED } }]);
    expect(bank.ledger.getAccount('2001')).toMatchObject({ balance: 98_500n, held: 0n });
    expect(bank.ledger.getAccount('2002')).toMatchObject({ balance: 6_500n, incoming: 0n });
    const { account } = await bank.service.getAccount({ accountNo: '2002' }, ctx());
    expect(account).toEqual({
      accountNo: '2002',
      holder: 'Dave',
      balance: 6_500n,
      held: 0n,
      available: 6_500n,
      open: true,
    });
  });
});
