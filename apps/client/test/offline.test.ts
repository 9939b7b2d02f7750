import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, SEED_TOTAL, TestSystem } from '@strife/testkit';
import { Metadata } from 'nice-grpc';
import { Cli, paymentEvents } from './harness';

const FAST_RETRY = ['--retry-initial-ms', '200', '--retry-max-ms', '1000'];

/** The offline queue and the retrier, against real processes the tests kill and restart. */
describe('offline payments', () => {
  let system: TestSystem;
  const clis: Cli[] = [];

  beforeAll(async () => {
    system = await TestSystem.start();
  });

  afterAll(async () => {
    clis.forEach((cli) => cli.remove());
    await system.stop();
  });

  async function loggedIn(username: string): Promise<Cli> {
    const cli = new Cli(system);
    clis.push(cli);
    await login(cli, username);
    return cli;
  }

  async function login(cli: Cli, username: string): Promise<void> {
    const { code } = await cli.json([
      ...['login', '--username', username, '--password', `${username}-pass-1`],
      '--json',
    ]);
    expect(code).toBe(0);
  }

  async function balances(...accounts: string[]): Promise<bigint[]> {
    return Promise.all(accounts.map(async (a) => (await system.books(a)).balance));
  }

  it('queues payments while the gateway is down; the daemon delivers each exactly once', async () => {
    const cli = await loggedIn('alice');
    const [alice, bob] = await balances('ICICI:1001', 'SBI:2001');
    await system.kill('gateway');

    const keys: string[] = [];
    for (const amount of ['10.00', '20.00']) {
      const { code, out } = await cli.json([
        'pay',
        '--to',
        'SBI:2001',
        '--amount',
        amount,
        '--json',
      ]);
      expect(code).toBe(3);
      expect(out).toEqual({
        key: expect.any(String) as unknown,
        txid: null,
        status: 'QUEUED',
        reason: expect.stringContaining('unreachable') as unknown,
      });
      keys.push(out.key as string);
    }
    const human = await cli.run(['pay', '--to', 'SBI:2001', '--amount', '30']);
    expect(human.code).toBe(3);
    const [, third] = /^payment (\S+) to SBI:2001 of 30\.00 QUEUED: gateway .* unreachable/.exec(
      human.stdout,
    )!;
    keys.push(third!);

    const queue = await cli.json(['queue', '--json']);
    expect(queue.out).toEqual({
      queued: keys.map((key, i) => ({
        key,
        to: 'SBI:2001',
        amount: ['10.00', '20.00', '30.00'][i],
        attempts: 1,
        nextAttemptAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      })),
    });
    await expect(cli.json(['status', '--key', keys[0]!, '--json'])).resolves.toMatchObject({
      code: 3,
      out: { key: keys[0], status: 'QUEUED', txid: null },
    });

    await system.startGateway();
    await expect(cli.json(['status', '--key', keys[1]!, '--json'])).resolves.toMatchObject({
      code: 3,
      out: { key: keys[1], status: 'QUEUED' },
    });
    // The daemon and a manual `pay --key` race for the third key: it must still move once.
    const daemon = cli.daemon([...FAST_RETRY, '--json']);
    const manual = await cli.json([
      ...['pay', '--to', 'SBI:2001', '--amount', '30', '--key', keys[2]!],
      '--json',
    ]);
    expect(manual).toMatchObject({ code: 0, out: { key: keys[2], status: 'COMMITTED' } });
    const settled = () => new Set(paymentEvents(daemon).map((e) => e.key as string));
    await daemon.until(
      () => settled().has(keys[0]!) && settled().has(keys[1]!),
      'the other two payments delivered',
    );
    const events = paymentEvents(daemon);
    for (const event of events) {
      expect(event).toEqual({
        event: 'payment',
        key: expect.any(String) as unknown,
        txid: expect.stringMatching(/^\d+$/) as unknown,
        status: 'COMMITTED',
        to: 'SBI:2001',
        amount: expect.stringMatching(/^[123]0\.00$/) as unknown,
      });
    }
    const raced = events.find((e) => e.key === keys[2]);
    if (raced) expect(raced.txid).toBe(manual.out.txid);
    await system.until(
      async () => (await system.books('SBI:2001')).balance === bob! + 6000n,
      'credits at SBI',
    );
    await expect(cli.json(['queue', '--json'])).resolves.toMatchObject({ out: { queued: [] } });

    const replay = await cli.json([
      ...['pay', '--to', 'SBI:2001', '--amount', '10.00', '--key', keys[0]!],
      '--json',
    ]);
    const delivered = events.find((e) => e.key === keys[0]);
    expect(replay).toMatchObject({ code: 0, out: { status: 'COMMITTED', txid: delivered?.txid } });
    expect(await daemon.stop()).toBe(0);
    await expect(balances('ICICI:1001', 'SBI:2001')).resolves.toEqual([
      alice! - 6000n,
      bob! + 6000n,
    ]);
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
  });

  it('delivers once when the gateway dies after deciding and the answer is lost', async () => {
    await system.kill('gateway');
    await system.startGateway('gateway.after-decision:exit');
    const cli = await loggedIn('carol');
    const [carol, dave] = await balances('ICICI:1002', 'SBI:2002');

    const paid = await cli.json([
      ...['pay', '--to', 'SBI:2002', '--amount', '25.00', '--key', 'lost-answer'],
      '--json',
    ]);
    expect(paid).toMatchObject({ code: 3, out: { key: 'lost-answer', status: 'QUEUED' } });
    await system.kill('gateway');
    await system.startGateway();

    const daemon = cli.daemon(FAST_RETRY);
    await daemon.until(() => daemon.lines.length > 0, 'the outcome');
    const [, txid] = /^payment lost-answer to SBI:2002 of 25\.00 COMMITTED \(txid (\d+)\)$/.exec(
      daemon.lines[0]!,
    )!;
    await system.until(
      async () => (await system.books('SBI:2002')).balance === dave! + 2500n,
      'credit at SBI',
    );
    await expect(system.books('ICICI:1002')).resolves.toEqual({
      balance: carol! - 2500n,
      held: 0n,
    });
    await expect(cli.json(['status', '--key', 'lost-answer', '--json'])).resolves.toEqual(
      expect.objectContaining({ code: 0, out: { key: 'lost-answer', txid, status: 'COMMITTED' } }),
    );
    expect(await daemon.stop()).toBe(0);
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
  });

  it('delivers once a payment whose CLI was killed between queuing and sending', async () => {
    const cli = await loggedIn('alice');
    const [alice, bob] = await balances('ICICI:1001', 'SBI:2001');
    const killed = await cli.run(
      ['pay', '--to', 'SBI:2001', '--amount', '3.00', '--key', 'never-sent', '--json'],
      undefined,
      { STRIFE_FAILPOINTS: 'client.after-queue:exit' },
    );
    expect(killed).toMatchObject({ code: null, stdout: '' });
    const { out } = await cli.json(['queue', '--json']);
    expect(out).toMatchObject({ queued: [{ key: 'never-sent', to: 'SBI:2001', amount: '3.00' }] });
    await expect(balances('ICICI:1001', 'SBI:2001')).resolves.toEqual([alice, bob]);

    const daemon = cli.daemon(FAST_RETRY);
    await daemon.until(() => daemon.lines.length > 0, 'the outcome');
    expect(daemon.lines[0]).toMatch(/^payment never-sent to SBI:2001 of 3\.00 COMMITTED/);
    expect(await daemon.stop()).toBe(0);
    await system.until(
      async () => (await system.books('SBI:2001')).balance === bob! + 300n,
      'credit',
    );
    await expect(system.books('ICICI:1001')).resolves.toEqual({ balance: alice! - 300n, held: 0n });
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
  });

  it('delivers once a payment whose CLI was killed mid-send, while the gateway worked on it', async () => {
    await system.kill('gateway');
    await system.startGateway('gateway.after-votes:delay=2500');
    const cli = await loggedIn('bob');
    const [bob, carol] = await balances('SBI:2001', 'ICICI:1002');
    const killed = await cli.run(
      ['pay', '--to', 'ICICI:1002', '--amount', '4.00', '--key', 'mid-send'],
      undefined,
      { STRIFE_FAILPOINTS: 'client.after-send:exit' },
    );
    expect(killed).toMatchObject({ signal: 'SIGKILL', stdout: '' });
    const daemon = cli.daemon(FAST_RETRY);
    await daemon.until(() => daemon.lines.length > 0, 'the outcome');
    expect(daemon.lines[0]).toMatch(/^payment mid-send to ICICI:1002 of 4\.00 COMMITTED/);
    expect(await daemon.stop()).toBe(0);
    await system.until(
      async () => (await system.books('ICICI:1002')).balance === carol! + 400n,
      'credit',
    );
    await expect(system.books('SBI:2001')).resolves.toEqual({ balance: bob! - 400n, held: 0n });
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
    await system.kill('gateway');
    await system.startGateway();
  });

  it('refuses a payment its queue cannot record, clearly, and sends nothing', async () => {
    const cli = await loggedIn('dave');
    const [dave] = await balances('SBI:2002');
    const run = await cli.run(
      ['pay', '--to', 'ICICI:1001', '--amount', '1.00', '--key', 'no-disk'],
      undefined,
      { STRIFE_FAILPOINTS: 'client.queue-write:error' },
    );
    expect(run.code).toBe(5);
    expect(run.stderr.trim()).toBe(
      'strife: cannot write the offline queue (SQLITE_IOERR_WRITE); the payment was not sent',
    );
    await expect(cli.json(['queue', '--json'])).resolves.toMatchObject({ out: { queued: [] } });
    const status = await cli.run(['status', '--key', 'no-disk']);
    expect(status.code).not.toBe(0);
    await expect(balances('SBI:2002')).resolves.toEqual([dave]);
  });

  it('keeps payments whose session was revoked queued until the next login', async () => {
    const cli = await loggedIn('dave');
    const [dave, carol] = await balances('SBI:2002', 'ICICI:1002');
    const nowhere = `127.0.0.1:${await freePort()}`;
    const offline = await cli.json([
      ...['--gateway', nowhere, 'pay', '--to', 'ICICI:1002', '--amount', '5', '--key', 'wait-1'],
      '--json',
    ]);
    expect(offline).toMatchObject({ code: 3, out: { status: 'QUEUED' } });

    const { token } = JSON.parse(readFileSync(join(cli.home, 'session.json'), 'utf8')) as {
      token: string;
    };
    await system.gateway().logout({}, { metadata: Metadata({ authorization: `Bearer ${token}` }) });
    const refused = await cli.json([
      ...['pay', '--to', 'ICICI:1002', '--amount', '7', '--key', 'wait-2'],
      '--json',
    ]);
    expect(refused).toMatchObject({ code: 4, out: { key: 'wait-2', status: 'QUEUED' } });
    expect(refused.run.stderr).toMatch(/log in again|login/);
    const balance = await cli.json(['balance', '--json']);
    expect(balance).toMatchObject({ code: 4, out: { error: { code: 'UNAUTHENTICATED' } } });
    expect(balance.run.stderr).toMatch(/expired or was revoked.*log in again/);

    const daemon = cli.daemon([...FAST_RETRY, '--json']);
    const waiting = () => daemon.events().filter((e) => e.event === 'waiting-for-login');
    await daemon.until(() => waiting().length > 0, 'the daemon to wait for a login');
    expect(waiting()).toEqual([
      {
        event: 'waiting-for-login',
        queued: 2,
        message: 'waiting for login to send 2 queued payments',
      },
    ]);
    const queued = await cli.json(['queue', '--json']);
    expect((queued.out.queued as { key: string }[]).map((p) => p.key)).toEqual([
      'wait-1',
      'wait-2',
    ]);

    await login(cli, 'dave');
    await daemon.until(() => paymentEvents(daemon).length === 2, 'both payments delivered');
    expect(paymentEvents(daemon).map((e) => [e.key, e.status])).toEqual(
      expect.arrayContaining([
        ['wait-1', 'COMMITTED'],
        ['wait-2', 'COMMITTED'],
      ]),
    );
    expect(waiting()).toHaveLength(1);
    expect(await daemon.stop()).toBe(0);
    await system.until(
      async () => (await system.books('ICICI:1002')).balance === carol! + 1200n,
      'credits at ICICI',
    );
    await expect(system.books('SBI:2002')).resolves.toEqual({ balance: dave! - 1200n, held: 0n });
    await expect(cli.json(['queue', '--json'])).resolves.toMatchObject({ out: { queued: [] } });
  });
});
