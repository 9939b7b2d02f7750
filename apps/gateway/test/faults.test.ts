import { AbortReason, Decision, Leg, LegState, PaymentStatus } from '@strife/protocol';
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
