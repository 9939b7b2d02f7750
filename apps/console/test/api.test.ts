import { request } from 'node:http';
import { formatAmount, parseAmount } from '@strife/domain';
import { SEED, SEED_TOTAL, TestSystem } from '@strife/testkit';
import type { ErrorView, PaymentView, StatusView } from '../src/shared/api';
import { type ConsoleProcess, getJson, startConsole } from './consoleProcess';

describe('the console JSON API against a running cluster', () => {
  let system: TestSystem;
  let console_: ConsoleProcess;
  let txid: bigint;

  const status = async (): Promise<StatusView> =>
    (await getJson(`${console_.url}api/status`)).body as StatusView;
  const payment = async (query: string): Promise<{ status: number; body: PaymentView }> => {
    const { status: code, body } = await getJson(`${console_.url}api/payments?${query}`);
    return { status: code, body: body as PaymentView };
  };
  const waitFor = (check: (s: StatusView) => boolean, what: string): Promise<void> =>
    system.until(async () => check(await status()), what);

  beforeAll(async () => {
    system = await TestSystem.start({ metrics: true });
    console_ = await startConsole(system.cluster);
    const alice = await system.login('alice');
    const paid = await system
      .gateway()
      .pay({ idempotencyKey: 'api-1', to: 'SBI:2001', amount: 10_000n, from: '' }, alice);
    txid = paid.payment!.txid;
    await system.until(async () => (await system.books('SBI:2001')).balance === 90_000n, 'credit');
  }, 60_000);

  afterAll(async () => {
    await console_.stop();
    await system.stop();
  });

  it('shows every service SERVING, with its version and uptime', async () => {
    await waitFor((s) => s.services.every((x) => x.status === 'SERVING'), 'every service serving');
    const { services } = await status();
    expect(services.map((s) => s.name)).toEqual(['txid', 'bank:ICICI', 'bank:SBI', 'gateway']);
    for (const s of services) {
      expect(s).toMatchObject({ metrics: 'SCRAPED', error: null });
      expect(s.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(s.uptimeMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('shows each bank’s money as its books have it', async () => {
    await waitFor(
      (s) => s.banks.find((b) => b.name === 'SBI')?.balance === '1000.00',
      'the credit in the status (SBI seeded 900.00)',
    );
    for (const bank of (await status()).banks) {
      const accounts = SEED.banks[bank.name] ?? [];
      let balance = 0n;
      for (const a of accounts)
        balance += (await system.books(`${bank.name}:${a.accountNo}`)).balance;
      expect(bank).toMatchObject({
        status: 'SERVING',
        balance: formatAmount(balance),
        held: '0.00',
        inDoubt: '0.00',
        inDoubtLegs: 0,
        accounts: accounts.length,
        legs: [],
      });
    }
  });

  it('says money is conserved: the seeds, all of it still in the banks', async () => {
    await waitFor((s) => s.conservation.ok, 'conservation verified');
    const { conservation } = await status();
    expect(conservation).toMatchObject({
      ok: true,
      state: 'HOLDS',
      expected: formatAmount(SEED_TOTAL),
      actual: formatAmount(SEED_TOTAL),
      difference: '0.00',
      inFlight: '0.00',
      seeded: formatAmount(SEED_TOTAL),
    });
  });

  it('counts the payment in the gateway’s metrics and lists its decision', async () => {
    await waitFor((s) => s.traffic.committed === 1, 'the commit counted');
    const s = await status();
    expect(s.traffic).toMatchObject({ scraped: ['gateway'], withoutMetrics: [], aborted: 0 });
    expect(s.twoPhase.recent).toContainEqual(
      expect.objectContaining({ txid: txid.toString(), decision: 'COMMIT' }),
    );
    expect(s.point).not.toBeNull();
  });

  it('finds the payment by txid and by key, with both legs COMMITTED', async () => {
    const byTxid = await payment(`txid=${txid}`);
    const byKey = await payment('key=api-1&user=alice');
    const byKeyAlone = await payment('key=api-1');
    for (const { status: code, body } of [byTxid, byKey, byKeyAlone]) {
      expect(code).toBe(200);
      expect(body).toMatchObject({
        txid: txid.toString(),
        username: 'alice',
        key: 'api-1',
        status: 'COMMITTED',
        payer: 'ICICI:1001',
        payee: 'SBI:2001',
        amount: '100.00',
        decision: { decision: 'COMMIT' },
        unreachable: [],
      });
      expect(body.legs.map((l) => [l.bank, l.leg, l.state, parseAmount(l.amount)])).toEqual([
        ['ICICI', 'debit', 'COMMITTED', 10_000n],
        ['SBI', 'credit', 'COMMITTED', 10_000n],
      ]);
    }
  });

  it('answers 400 for a malformed query and 404 for a payment that does not exist', async () => {
    const cases: [string, number][] = [
      ['txid=abc', 400],
      ['txid=0', 400],
      ['key=', 400],
      ['', 400],
      ['txid=999999', 404],
      ['key=nope&user=alice', 404],
      ['key=nope', 404],
    ];
    for (const [query, code] of cases) {
      const { status: got, body } = await getJson(`${console_.url}api/payments?${query}`);
      expect([query, got]).toEqual([query, code]);
      expect(typeof (body as ErrorView).error).toBe('string');
    }
  });

  it('refuses a request naming another host (DNS rebinding) and anything but GET', async () => {
    const port = Number(new URL(console_.url).port);
    const ask = (method: string, host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const call = request(
          { host: '127.0.0.1', port, path: '/api/status', method, headers: { host } },
          (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          },
        );
        call.on('error', reject);
        call.end();
      });
    expect(await ask('GET', `evil.example:${port}`)).toBe(403);
    expect(await ask('POST', `127.0.0.1:${port}`)).toBe(405);
    expect(await ask('GET', `localhost:${port}`)).toBe(200);
  });

  it('serves the page, its script and uPlot', async () => {
    for (const [path, type] of [
      ['', 'text/html'],
      ['app/main.js', 'text/javascript'],
      ['vendor/uPlot.iife.min.js', 'text/javascript'],
      ['vendor/uPlot.min.css', 'text/css'],
      ['style.css', 'text/css'],
    ] as const) {
      const response = await fetch(`${console_.url}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.headers.get('content-type')).toContain(type);
    }
  });

  it('shows a stopped bank UNREACHABLE and its money unknown, and keeps serving the rest', async () => {
    await system.kill('SBI');
    await waitFor(
      (s) => s.services.find((x) => x.name === 'bank:SBI')?.status === 'UNREACHABLE',
      'SBI unreachable',
    );
    const s = await status();
    expect(s.services.find((x) => x.name === 'bank:SBI')?.error).toMatch(/^UNAVAILABLE/);
    expect(s.services.filter((x) => x.status === 'SERVING').map((x) => x.name)).toEqual([
      'txid',
      'bank:ICICI',
      'gateway',
    ]);
    expect(s.banks.find((b) => b.name === 'SBI')).toMatchObject({
      status: 'UNREACHABLE',
      balance: null,
    });
    expect(s.conservation).toMatchObject({ ok: false, state: 'UNKNOWN' });
    expect(s.conservation.detail).toContain('SBI');
    const lookup = await payment(`txid=${txid}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.unreachable).toEqual(['bank:SBI']);
    expect(lookup.body.legs.map((l) => l.bank)).toEqual(['ICICI']);
  });
});
