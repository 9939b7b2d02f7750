import { BankServiceDefinition, Leg, LegState, Vote, VoteNoReason } from '@strife/protocol';
import { createStrifeChannel, createStrifeClient } from '@strife/runtime';
import {
  createTestCluster,
  startService,
  type ServiceProcess,
  type TestCluster,
} from '@strife/testkit';
import { Status, type Channel } from 'nice-grpc';

/** A real bank process over mTLS, called as the gateway would. */
describe('bank service', () => {
  let cluster: TestCluster;
  let bank: ServiceProcess;
  const channels: Channel[] = [];
  let nextTxid = 1n;

  beforeAll(async () => {
    cluster = await createTestCluster({
      banks: {
        ICICI: [],
        SBI: [
          { accountNo: '2001', holder: 'Bob Mehta', balance: '1000.00' },
          { accountNo: '2002', holder: 'Dave Singh', balance: '50.00' },
        ],
      },
    });
    bank = await start();
  });

  afterAll(async () => {
    channels.forEach((c) => c.close());
    await bank.kill('SIGTERM');
    cluster.remove();
  });

  function start(failpoints?: string): Promise<ServiceProcess> {
    const env: Record<string, string> = { BANK_NAME: 'SBI' };
    if (failpoints) env.STRIFE_FAILPOINTS = failpoints;
    return startService('bank', cluster, { env });
  }

  function clientAs(identity = 'gateway') {
    const channel = createStrifeChannel(cluster.config.banks[1]!.address, {
      tls: cluster.tls(identity),
      expect: { role: 'bank', name: 'SBI' },
    });
    channels.push(channel);
    return createStrifeClient(BankServiceDefinition, channel);
  }

  async function account(no: string) {
    const { account } = await clientAs().getAccount({ accountNo: no });
    return { balance: account!.balance, held: account!.held, available: account!.available };
  }

  const YES = { vote: Vote.VOTE_YES, reason: VoteNoReason.VOTE_NO_REASON_UNSPECIFIED, detail: '' };

  it('serves the seeded books', async () => {
    await expect(account('2001')).resolves.toEqual({
      balance: 100000n,
      held: 0n,
      available: 100000n,
    });
    await expect(clientAs().getAccount({ accountNo: '2001' })).resolves.toMatchObject({
      account: { holder: 'Bob Mehta', open: true },
    });
  });

  it('opens an account once per request id', async () => {
    const gateway = clientAs();
    const first = await gateway.openAccount({
      requestId: 'register:erin',
      holder: 'Erin',
      initialDeposit: 500n,
    });
    const again = await gateway.openAccount({
      requestId: 'register:erin',
      holder: 'Erin',
      initialDeposit: 500n,
    });
    expect(again).toEqual(first);
    await expect(account(first.account!.accountNo)).resolves.toEqual({
      balance: 500n,
      held: 0n,
      available: 500n,
    });
  });

  it('prepares with a hold, commits once, and refuses to abort a committed leg', async () => {
    const gateway = clientAs();
    const txid = nextTxid++;
    await expect(gateway.prepareDebit({ txid, accountNo: '2001', amount: 2500n })).resolves.toEqual(
      YES,
    );
    await expect(
      gateway.prepareCredit({ txid, accountNo: '2002', amount: 2500n }),
    ).resolves.toEqual(YES);
    await expect(account('2001')).resolves.toEqual({
      balance: 100000n,
      held: 2500n,
      available: 97500n,
    });
    for (let i = 0; i < 2; i++) {
      await expect(gateway.commit({ txid, leg: Leg.LEG_DEBIT })).resolves.toEqual({
        state: LegState.LEG_STATE_COMMITTED,
      });
      await expect(gateway.commit({ txid, leg: Leg.LEG_CREDIT })).resolves.toEqual({
        state: LegState.LEG_STATE_COMMITTED,
      });
    }
    await expect(account('2001')).resolves.toEqual({
      balance: 97500n,
      held: 0n,
      available: 97500n,
    });
    await expect(account('2002')).resolves.toMatchObject({ balance: 7500n });
    await expect(gateway.abort({ txid, leg: Leg.LEG_DEBIT })).rejects.toMatchObject({
      code: Status.FAILED_PRECONDITION,
    });
    await expect(account('2001')).resolves.toEqual({
      balance: 97500n,
      held: 0n,
      available: 97500n,
    });
  });

  it('votes NO for what it cannot do, and says the same NO on a repeat', async () => {
    const gateway = clientAs();
    const txid = nextTxid++;
    const no = await gateway.prepareDebit({ txid, accountNo: '2002', amount: 1_000_000n });
    expect(no).toMatchObject({
      vote: Vote.VOTE_NO,
      reason: VoteNoReason.VOTE_NO_REASON_INSUFFICIENT_FUNDS,
    });
    await expect(
      gateway.prepareDebit({ txid, accountNo: '2002', amount: 1_000_000n }),
    ).resolves.toEqual(no);
    await expect(
      gateway.prepareCredit({ txid: nextTxid++, accountNo: '9999', amount: 1n }),
    ).resolves.toMatchObject({
      vote: Vote.VOTE_NO,
      reason: VoteNoReason.VOTE_NO_REASON_UNKNOWN_ACCOUNT,
    });
    await expect(
      gateway.prepareDebit({ txid: nextTxid++, accountNo: '2001', amount: 0n }),
    ).resolves.toMatchObject({
      vote: Vote.VOTE_NO,
      reason: VoteNoReason.VOTE_NO_REASON_INVALID_AMOUNT,
    });
  });

  it('releases the hold on abort and refuses a later commit', async () => {
    const gateway = clientAs();
    const txid = nextTxid++;
    const before = await account('2001');
    await gateway.prepareDebit({ txid, accountNo: '2001', amount: 100n });
    await expect(gateway.abort({ txid, leg: Leg.LEG_DEBIT })).resolves.toEqual({
      state: LegState.LEG_STATE_ABORTED,
    });
    await expect(gateway.abort({ txid, leg: Leg.LEG_DEBIT })).resolves.toEqual({
      state: LegState.LEG_STATE_ABORTED,
    });
    await expect(gateway.commit({ txid, leg: Leg.LEG_DEBIT })).rejects.toMatchObject({
      code: Status.FAILED_PRECONDITION,
    });
    await expect(account('2001')).resolves.toEqual(before);
  });

  it('refuses bad input with INVALID_ARGUMENT or FAILED_PRECONDITION and changes nothing', async () => {
    const gateway = clientAs();
    const before = await account('2001');
    await expect(gateway.commit({ txid: 999_999n, leg: Leg.LEG_DEBIT })).rejects.toMatchObject({
      code: Status.FAILED_PRECONDITION,
    });
    await expect(gateway.commit({ txid: 1n, leg: Leg.LEG_UNSPECIFIED })).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: 'leg: must be one of LEG_DEBIT, LEG_CREDIT, LEG_TRANSFER; got LEG_UNSPECIFIED',
    });
    await expect(
      gateway.prepareDebit({ txid: 0n, accountNo: '2001', amount: 1n }),
    ).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
    });
    await expect(gateway.getAccount({ accountNo: 'SBI:2001' })).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
    });
    await expect(gateway.getAccount({ accountNo: '4242' })).rejects.toMatchObject({
      code: Status.NOT_FOUND,
    });
    await expect(
      gateway.openAccount({ requestId: 'r', holder: 'X', initialDeposit: -1n }),
    ).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
    });
    await expect(account('2001')).resolves.toEqual(before);
  });

  it('pages through its log newest first', async () => {
    const gateway = clientAs();
    const first = await gateway.listTransactions({ accountNo: '2001', pageSize: 2, pageToken: '' });
    expect(first.records).toHaveLength(2);
    const second = await gateway.listTransactions({
      accountNo: '2001',
      pageSize: 2,
      pageToken: first.nextPageToken,
    });
    const txids = [...first.records, ...second.records].map((r) => r.txid);
    expect(txids).toEqual([...txids].sort((a, b) => (a > b ? -1 : 1)));
    expect(new Set(txids).size).toBe(txids.length);
  });

  it('applies a batch of leg operations, answering each as its own RPC would', async () => {
    const gateway = clientAs();
    const [paid, refused, clash] = [nextTxid++, nextTxid++, nextTxid++];
    const before = { payer: await account('2001'), payee: await account('2002') };
    await gateway.prepareDebit({ txid: clash, accountNo: '2001', amount: 5n });
    const prepared = await gateway.applyLegs({
      operations: [
        { prepareDebit: { txid: paid, accountNo: '2001', amount: 400n } },
        { prepareCredit: { txid: paid, accountNo: '2002', amount: 400n } },
        { prepareCredit: { txid: refused, accountNo: '9999', amount: 1n } },
        { prepareDebit: { txid: clash, accountNo: '2001', amount: 6n } },
        { commit: { txid: 999_998n, leg: Leg.LEG_DEBIT } },
        { abort: { txid: clash, leg: Leg.LEG_UNSPECIFIED } },
        {},
      ],
    });
    expect(prepared.results).toEqual([
      { prepareDebit: YES },
      { prepareCredit: YES },
      {
        prepareCredit: expect.objectContaining({
          vote: Vote.VOTE_NO,
          reason: VoteNoReason.VOTE_NO_REASON_UNKNOWN_ACCOUNT,
        }) as unknown,
      },
      {
        error: {
          code: Status.INVALID_ARGUMENT,
          message: expect.stringMatching(/amount/) as unknown,
        },
      },
      { error: { code: Status.FAILED_PRECONDITION, message: expect.any(String) as unknown } },
      {
        error: {
          code: Status.INVALID_ARGUMENT,
          message: 'leg: must be one of LEG_DEBIT, LEG_CREDIT, LEG_TRANSFER; got LEG_UNSPECIFIED',
        },
      },
      {
        error: {
          code: Status.INVALID_ARGUMENT,
          message: expect.stringMatching(/operation/) as unknown,
        },
      },
    ]);
    await expect(account('2001')).resolves.toEqual({
      ...before.payer,
      held: before.payer.held + 405n,
      available: before.payer.available - 405n,
    });
    const finished = await gateway.applyLegs({
      operations: [
        { commit: { txid: paid, leg: Leg.LEG_DEBIT } },
        { commit: { txid: paid, leg: Leg.LEG_CREDIT } },
        { commit: { txid: paid, leg: Leg.LEG_CREDIT } },
        { abort: { txid: clash, leg: Leg.LEG_DEBIT } },
      ],
    });
    const committed = { commit: { state: LegState.LEG_STATE_COMMITTED } };
    expect(finished.results).toEqual([
      committed,
      committed,
      committed,
      { abort: { state: LegState.LEG_STATE_ABORTED } },
    ]);
    await expect(account('2001')).resolves.toEqual({
      balance: before.payer.balance - 400n,
      held: before.payer.held,
      available: before.payer.available - 400n,
    });
    await expect(account('2002')).resolves.toMatchObject({ balance: before.payee.balance + 400n });
  });

  it('refuses an ApplyLegs request with more than 4096 operations, applying none', async () => {
    const before = await account('2001');
    const operations = Array.from({ length: 4097 }, () => ({
      prepareDebit: { txid: nextTxid++, accountNo: '2001', amount: 1n },
    }));
    await expect(clientAs().applyLegs({ operations })).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: 'operations: at most 4096 per request',
    });
    await expect(account('2001')).resolves.toEqual(before);
  });

  it.each(['client', 'bank-ICICI', 'txid'])('refuses a %s certificate', async (identity) => {
    await expect(clientAs(identity).getAccount({ accountNo: '2001' })).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
  });

  it('keeps a PREPARED leg and its hold when killed after logging it, and repeats its YES', async () => {
    await bank.kill('SIGTERM');
    bank = await start('bank.after-prepare-log:exit');
    const txid = nextTxid++;
    const before = await account('2001');
    await expect(
      clientAs().prepareDebit({ txid, accountNo: '2001', amount: 700n }),
    ).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    await expect(bank.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    bank = await start();
    await expect(account('2001')).resolves.toEqual({
      ...before,
      held: before.held + 700n,
      available: before.available - 700n,
    });
    await expect(
      clientAs().prepareDebit({ txid, accountNo: '2001', amount: 700n }),
    ).resolves.toEqual(YES);
    await clientAs().abort({ txid, leg: Leg.LEG_DEBIT });
    await expect(account('2001')).resolves.toEqual(before);
  });

  it('keeps a commit when killed before acknowledging it, and acknowledges the retry', async () => {
    const txid = nextTxid++;
    await clientAs().prepareDebit({ txid, accountNo: '2001', amount: 300n });
    await clientAs().prepareCredit({ txid, accountNo: '2002', amount: 300n });
    const before = { debit: await account('2001'), credit: await account('2002') };
    await bank.kill('SIGTERM');
    bank = await start('bank.after-commit:exit');
    await expect(clientAs().commit({ txid, leg: Leg.LEG_DEBIT })).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    await bank.exited;
    bank = await start();
    await expect(account('2001')).resolves.toEqual({
      balance: before.debit.balance - 300n,
      held: before.debit.held - 300n,
      available: before.debit.available,
    });
    await expect(clientAs().commit({ txid, leg: Leg.LEG_DEBIT })).resolves.toEqual({
      state: LegState.LEG_STATE_COMMITTED,
    });
    await clientAs().commit({ txid, leg: Leg.LEG_CREDIT });
    await expect(account('2002')).resolves.toMatchObject({ balance: before.credit.balance + 300n });
  });

  it('does not re-import its seed on restart', async () => {
    const before = await account('2001');
    await bank.kill('SIGTERM');
    bank = await start();
    await expect(account('2001')).resolves.toEqual(before);
    expect(before.balance).not.toBe(100000n);
  });
});
