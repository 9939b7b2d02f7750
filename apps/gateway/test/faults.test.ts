import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  AbortReason,
  Decision,
  Leg,
  LegState,
  OpsServiceDefinition,
  PaymentStatus,
  Vote,
  VoteNoReason,
} from '@strife/protocol';
import { createStrifeChannel, createStrifeClient } from '@strife/runtime';
import { Status } from 'nice-grpc';
import { SEED_TOTAL, TestSystem } from '@strife/testkit';

/** Each case gets its own system: faults leave processes dead or hung. */
describe('payments under faults', () => {
  let system: TestSystem | undefined;

  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  async function legState(
    s: TestSystem,
    bank: string,
    txid: bigint,
    leg: Leg,
  ): Promise<LegState | undefined> {
    const { records } = await s
      .bank(bank)
      .listTransactions({ accountNo: '', pageSize: 1000, pageToken: '' });
    return records.find((r) => r.txid === txid && r.leg === leg)?.state;
  }

  /** The ops API of `service` (a bank's name, or `gateway`), as the monitor. */
  function ops(s: TestSystem, service: string) {
    const address =
      service === 'gateway'
        ? s.cluster.config.gateway.instances[0]!.address
        : s.cluster.config.banks.find((b) => b.name === service)!.address;
    return createStrifeClient(
      OpsServiceDefinition,
      createStrifeChannel(address, { tls: s.cluster.tls('monitor') }),
    );
  }

  /** Whether the gateway's log has no transaction left open and the bank nothing prepared. */
  async function settled(s: TestSystem, bank: string): Promise<boolean> {
    const [{ gateway }, { bank: books }] = await Promise.all([
      ops(s, 'gateway').getStatus({}),
      ops(s, bank).getStatus({}),
    ]);
    return gateway?.open.length === 0 && books?.preparedCount === 0 && books.totalIncoming === 0n;
  }

  it('pays once when the gateway dies before its claim is durable: nothing was stored, the retry claims afresh', async () => {
    const s = (system = await TestSystem.start());
    await s.kill('gateway');
    // The first group commit after the start is the payment's claim: die just before it.
    await s.startGateway('gateway.store-write:exit@1');
    const request = { idempotencyKey: 'unclaimed', to: 'SBI:2001', amount: 600n, from: '' };
    await expect(s.gateway().pay(request, await s.login('alice'))).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    await expect(s.process('gateway').exited).resolves.toMatchObject({ signal: 'SIGKILL' });
    s.processes.delete('gateway');

    await s.startGateway();
    const alice = await s.login('alice');
    await expect(
      s.gateway().getPayment({ idempotencyKey: 'unclaimed' }, alice),
    ).rejects.toMatchObject({ code: Status.NOT_FOUND });
    const { payment } = await s.gateway().pay(request, alice);
    expect(payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    await s.until(async () => (await s.books('SBI:2001')).balance === 80_600n, 'the credit');
    await expect(s.books('ICICI:1001')).resolves.toEqual({ balance: 99_400n, held: 0n });
    // The banks never heard of the lost attempt: the only legs are the retry's.
    for (const bank of ['ICICI', 'SBI']) {
      const { records } = await s
        .bank(bank)
        .listTransactions({ accountNo: '', pageSize: 1000, pageToken: '' });
      expect(records.map((r) => r.txid)).toEqual([payment!.txid]);
    }
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
  });

  it('aborts at once when a bank is down at prepare, and delivers the abort once it is back', async () => {
    const s = (system = await TestSystem.start());
    await s.kill('SBI');
    const alice = await s.login('alice');
    const { payment } = await s
      .gateway()
      .pay({ idempotencyKey: 'bank-down', to: 'SBI:2001', amount: 700n, from: '' }, alice);
    expect(payment).toMatchObject({
      status: PaymentStatus.PAYMENT_STATUS_ABORTED,
      abortReason: AbortReason.ABORT_REASON_BANK_UNAVAILABLE,
    });
    await s.until(async () => (await s.books('ICICI:1001')).held === 0n, 'hold released');
    await expect(s.books('ICICI:1001')).resolves.toEqual({ balance: 100_000n, held: 0n });
    expect((await ops(s, 'gateway').getStatus({})).gateway?.open).toEqual([
      expect.objectContaining({ txid: payment!.txid, state: 'ABORT' }),
    ]);

    await s.startBank('SBI');
    await s.until(() => settled(s, 'SBI'), 'the abort acknowledged');
    // The bank remembers the abort: the prepare it never got, arriving late, is refused.
    await expect(
      s.bank('SBI').prepareCredit({ txid: payment!.txid, accountNo: '2001', amount: 700n }),
    ).resolves.toMatchObject({
      vote: Vote.VOTE_NO,
      reason: VoteNoReason.VOTE_NO_REASON_ALREADY_ABORTED,
    });
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
  });

  it('re-sends an abort whose acknowledgement a crash lost; the bank releases its hold once', async () => {
    const s = (system = await TestSystem.start());
    await s.kill('SBI');
    await s.startBank('SBI', 'bank.after-abort:exit');
    const alice = await s.login('alice');
    const { payment } = await s
      .gateway()
      .pay({ idempotencyKey: 'overdraw', to: 'SBI:2001', amount: 100_001n, from: '' }, alice);
    expect(payment).toMatchObject({
      status: PaymentStatus.PAYMENT_STATUS_ABORTED,
      abortReason: AbortReason.ABORT_REASON_INSUFFICIENT_FUNDS,
    });
    await expect(s.process('SBI').exited).resolves.toMatchObject({ signal: 'SIGKILL' });
    s.processes.delete('SBI');
    expect((await ops(s, 'gateway').getStatus({})).gateway?.open).toEqual([
      expect.objectContaining({ txid: payment!.txid, state: 'ABORT' }),
    ]);

    await s.startBank('SBI');
    await s.until(() => settled(s, 'SBI'), 'the re-sent abort acknowledged');
    expect(await legState(s, 'SBI', payment!.txid, Leg.LEG_CREDIT)).toBe(
      LegState.LEG_STATE_ABORTED,
    );
    await expect(s.books('SBI:2001')).resolves.toEqual({ balance: 80_000n, held: 0n });
    await expect(s.books('ICICI:1001')).resolves.toEqual({ balance: 100_000n, held: 0n });
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
  });

  it('keeps sending a commit a bank refuses (its books lost the leg) and reports it stuck', async () => {
    const s = (system = await TestSystem.start());
    await s.kill('gateway');
    await s.startGateway('gateway.after-decision:exit');
    const alice = await s.login('alice');
    const request = { idempotencyKey: 'lost-books', to: 'SBI:2001', amount: 2500n, from: '' };
    await expect(s.gateway().pay(request, alice)).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    await expect(s.process('gateway').exited).resolves.toMatchObject({ signal: 'SIGKILL' });
    s.processes.delete('gateway');
    // SBI loses its books, with the credit it prepared: it starts again from its seed.
    await s.kill('SBI');
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(join(s.cluster.dataDir, `bank-SBI.db${suffix}`), { force: true });
    }
    await s.startBank('SBI');
    await s.startGateway();

    await s.until(
      async () => (await s.books('ICICI:1001')).balance === 97_500n,
      'the debit committed at ICICI',
    );
    await s.until(
      async () => ((await ops(s, 'gateway').getStatus({})).gateway?.stuck.length ?? 0) > 0,
      'the refused commit reported stuck',
    );
    const { gateway } = await ops(s, 'gateway').getStatus({});
    expect(gateway?.stuck).toEqual([
      expect.objectContaining({
        bank: 'SBI',
        leg: Leg.LEG_CREDIT,
        decision: Decision.DECISION_COMMIT,
        error: expect.stringContaining('unknown transaction leg') as unknown,
      }),
    ]);
    expect(gateway?.open).toEqual([expect.objectContaining({ state: 'COMMIT' })]);
    const txid = gateway!.stuck[0]!.txid;
    await s.until(
      () =>
        Promise.resolve(
          s
            .process('gateway')
            .output()
            .split('\n')
            .some((line) => line.includes('"level":50') && line.includes(String(txid))),
        ),
      'an error line naming the transaction',
    );
    // The payer's answer stands: the decision is COMMIT whatever the payee's bank says.
    const again = await s.gateway().pay(request, await s.login('alice'));
    expect(again.payment).toMatchObject({ status: PaymentStatus.PAYMENT_STATUS_COMMITTED, txid });
  });

  it('aborts within the prepare timeout when a bank hangs, moving nothing and releasing the hold', async () => {
    const s = (system = await TestSystem.start({ prepareTimeoutMs: 1000 }));
    await s.kill('SBI');
    await s.startBank('SBI', 'bank.before-prepare:hang');
    const alice = await s.login('alice');
    const started = Date.now();
    const { payment } = await s
      .gateway()
      .pay({ idempotencyKey: 'hung', to: 'SBI:2001', amount: 5000n, from: '' }, alice);
    const elapsed = Date.now() - started;
    expect(payment).toMatchObject({
      status: PaymentStatus.PAYMENT_STATUS_ABORTED,
      abortReason: AbortReason.ABORT_REASON_TIMEOUT,
    });
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
    await s.until(async () => (await s.books('ICICI:1001')).held === 0n, 'hold released at ICICI');
    await expect(s.books('ICICI:1001')).resolves.toEqual({ balance: 100_000n, held: 0n });
    await expect(s.books('SBI:2001')).resolves.toEqual({ balance: 80_000n, held: 0n });
  });

  it('completes a payment at both banks when the gateway dies after deciding', async () => {
    const s = (system = await TestSystem.start());
    await s.kill('gateway');
    await s.startGateway('gateway.after-decision:exit');
    const alice = await s.login('alice');
    const request = { idempotencyKey: 'decided', to: 'SBI:2001', amount: 2500n, from: '' };
    await expect(s.gateway().pay(request, alice)).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    await expect(s.process('gateway').exited).resolves.toMatchObject({ signal: 'SIGKILL' });
    s.processes.delete('gateway');

    await s.startGateway();
    await s.until(
      async () => (await s.books('SBI:2001')).balance === 82_500n,
      'credit at SBI after restart',
    );
    await expect(s.books('ICICI:1001')).resolves.toEqual({ balance: 97_500n, held: 0n });
    const again = await s.gateway().pay(request, await s.login('alice'));
    expect(again.payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
  });

  it.each(['gateway.after-initiated', 'gateway.after-votes'])(
    'finishes a payment the gateway died undecided with (%s), once: the restart runs phase 1 again',
    async (failpoint) => {
      const s = (system = await TestSystem.start());
      await s.kill('gateway');
      await s.startGateway(`${failpoint}:exit`);
      const alice = await s.login('alice');
      const request = { idempotencyKey: 'undecided', to: 'SBI:2001', amount: 2500n, from: '' };
      await expect(s.gateway().pay(request, alice)).rejects.toMatchObject({
        code: Status.UNAVAILABLE,
      });
      await expect(s.process('gateway').exited).resolves.toMatchObject({ signal: 'SIGKILL' });
      s.processes.delete('gateway');

      await s.startGateway();
      const again = await s.gateway().pay(request, await s.login('alice'));
      expect(again.payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
      const txid = again.payment!.txid;
      await s.until(
        async () =>
          (await legState(s, 'SBI', txid, Leg.LEG_CREDIT)) === LegState.LEG_STATE_COMMITTED,
        'the credit committed',
      );
      await expect(s.books('ICICI:1001')).resolves.toEqual({ balance: 97_500n, held: 0n });
      await expect(s.books('SBI:2001')).resolves.toEqual({ balance: 82_500n, held: 0n });
      const replay = await s.gateway().pay(request, await s.login('alice'));
      expect(replay).toEqual(again);
      await expect(s.total()).resolves.toBe(SEED_TOTAL);
    },
  );

  it('holds across a gateway restart: a replayed key returns the original answer', async () => {
    const s = (system = await TestSystem.start());
    const bob = await s.login('bob');
    const request = { idempotencyKey: 'survives', to: 'ICICI:1002', amount: 900n, from: '' };
    const first = await s.gateway().pay(request, bob);
    await s.kill('gateway');
    await s.startGateway();
    const replay = await s.gateway().pay(request, await s.login('bob'));
    expect(replay).toEqual(first);
    await s.until(async () => (await s.books('ICICI:1002')).balance === 50_900n, 'credit');
    await expect(s.books('SBI:2001')).resolves.toEqual({ balance: 79_100n, held: 0n });
  });

  it('settles the leg of a bank that died after preparing, and answers its in-doubt question', async () => {
    const s = (system = await TestSystem.start({
      prepareTimeoutMs: 250,
      recovery: { inDoubtAfterMs: 300, intervalMs: 100 },
    }));
    await s.kill('SBI');
    await s.startBank('SBI', 'bank.after-prepare-log:exit');
    const alice = await s.login('alice');
    const { payment } = await s
      .gateway()
      .pay({ idempotencyKey: 'doubt', to: 'SBI:2001', amount: 1000n, from: '' }, alice);
    expect(payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_ABORTED);
    s.processes.delete('SBI');
    await s.startBank('SBI');
    await s.until(
      async () =>
        (await legState(s, 'SBI', payment!.txid, Leg.LEG_CREDIT)) === LegState.LEG_STATE_ABORTED,
      'in-doubt credit aborted',
    );
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
    await expect(s.coordinator().resolveTransaction({ txid: payment!.txid })).resolves.toEqual({
      decision: Decision.DECISION_ABORT,
    });
  });

  it("releases the payer's hold when the payer's bank died after preparing its debit", async () => {
    const s = (system = await TestSystem.start({
      prepareTimeoutMs: 250,
      recovery: { inDoubtAfterMs: 300, intervalMs: 100 },
    }));
    await s.kill('ICICI');
    await s.startBank('ICICI', 'bank.after-prepare-log:exit');
    const alice = await s.login('alice');
    const { payment } = await s
      .gateway()
      .pay({ idempotencyKey: 'payer-died', to: 'SBI:2001', amount: 1500n, from: '' }, alice);
    expect(payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_ABORTED);
    s.processes.delete('ICICI');
    await s.startBank('ICICI');
    await s.until(
      async () =>
        (await legState(s, 'ICICI', payment!.txid, Leg.LEG_DEBIT)) === LegState.LEG_STATE_ABORTED,
      'the held debit aborted',
    );
    await expect(s.books('ICICI:1001')).resolves.toEqual({ balance: 100_000n, held: 0n });
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
  });
});
