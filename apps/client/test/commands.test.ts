import { statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, SEED_TOTAL, TestSystem } from '@strife/testkit';
import { Cli, type JsonObject } from './harness';

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('strife commands against a real gateway and banks', () => {
  let system: TestSystem;
  let cli: Cli;

  beforeAll(async () => {
    system = await TestSystem.start();
    cli = new Cli(system);
  });

  afterAll(async () => {
    cli.remove();
    await system.stop();
  });

  it('prints help, and one JSON object for help with --json', async () => {
    const help = await cli.run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: strife');
    expect(help.stdout).toContain('4 not logged in');
    const json = await cli.json(['pay', '--help', '--json']);
    expect(json.code).toBe(0);
    expect(json.out.help).toEqual(expect.stringContaining('--amount <amount>') as unknown);
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['pay', '--to', 'SBI:2001'], /required option '--amount <amount>' not specified/],
    [['balance', '--frobnicate'], /unknown option '--frobnicate'/],
    [['pay', '--to', 'SBI:2001', '--amount', '1.001'], /--amount: "1.001" is not an amount/],
    [['pay', '--to', 'SBI:2001', '--amount', '-5'], /--amount: "-5" is not an amount/],
    [['pay', '--to', 'SBI:2001', '--amount', '0'], /--amount: must be greater than zero/],
    [['pay', '--to', 'SBI-2001', '--amount', '1'], /--to: "SBI-2001" is not an account/],
    [['history', '--limit', 'lots'], /--limit: "lots" is not a whole number/],
    [['--gateway', 'nowhere', 'balance'], /--gateway: "nowhere" is not HOST:PORT/],
    [[], /a command is required/],
  ])('refuses %j as bad usage: exit 2, one line on stderr', async (args, message) => {
    const human = await cli.run(args);
    expect(human).toMatchObject({ code: 2, stdout: '' });
    expect(human.stderr).toMatch(message);
    expect(human.stderr.trimEnd().split('\n')).toHaveLength(1);
    const json = await cli.json([...args, '--json']);
    expect(json.code).toBe(2);
    expect(json.out).toEqual({
      error: { code: 'USAGE', message: expect.stringMatching(message) as unknown },
    });
  });

  it('says "not logged in" (exit 4) and queues nothing without a session', async () => {
    for (const args of [['balance'], ['pay', '--to', 'SBI:2001', '--amount', '1'], ['logout']]) {
      const { code, out } = await cli.json([...args, '--json']);
      expect(code).toBe(4);
      expect(out).toEqual({
        error: {
          code: 'NOT_LOGGED_IN',
          message: expect.stringContaining('not logged in') as unknown,
        },
      });
    }
    await expect(cli.json(['queue', '--json'])).resolves.toMatchObject({ out: { queued: [] } });
  });

  it('refuses a wrong password with exit 4', async () => {
    const { code, out } = await cli.json([
      'login',
      '--username',
      'dave',
      '--password',
      'not-his-pass',
      '--json',
    ]);
    expect(code).toBe(4);
    expect(out).toEqual({
      error: {
        code: 'UNAUTHENTICATED',
        message: 'invalid username or password',
        reason: 'INVALID_CREDENTIALS',
      },
    });
  });

  it('shows how long to wait once logins are throttled', async () => {
    const attempt = () =>
      cli.json(['login', '--username', 'dave', '--password-stdin', '--json'], 'wrong-pass-9\n');
    let last = await attempt();
    for (
      let i = 0;
      i < 6 && last.out.error && (last.out.error as JsonObject).code !== 'RESOURCE_EXHAUSTED';
      i++
    ) {
      last = await attempt();
    }
    expect(last.out).toMatchObject({
      error: {
        code: 'RESOURCE_EXHAUSTED',
        reason: 'TOO_MANY_ATTEMPTS',
        retryAfterMs: expect.any(Number) as unknown,
      },
    });
    expect((last.out.error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(last.run.stderr).toMatch(/try again in \d+ s/);
  });

  it('prints its version', async () => {
    const plain = await cli.run(['--version']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const json = await cli.json(['--version', '--json']);
    expect(json).toMatchObject({ code: 0, out: { version: plain.stdout.trim() } });
  });

  it('reads the password from stdin, and asks for one when neither option is given', async () => {
    const login = ['login', '--username', 'alice', '--json'];
    const piped = await cli.json([...login, '--password-stdin'], 'alice-pass-1\nignored\n');
    expect(piped).toMatchObject({ code: 0, out: { username: 'alice' } });
    const wrong = await cli.json([...login, '--password-stdin'], 'not-her-pass\n');
    expect(wrong).toMatchObject({ code: 4, out: { error: { code: 'UNAUTHENTICATED' } } });
    const none = await cli.json(login);
    expect(none).toMatchObject({ code: 2, out: { error: { code: 'USAGE' } } });
    expect(none.run.stderr).toMatch(/--password-stdin \(or --password\) is required/);
    const both = await cli.json([...login, '--password', 'x', '--password-stdin'], 'y\n');
    expect(both).toMatchObject({ code: 2, out: { error: { code: 'USAGE' } } });
  });

  it('takes the gateway from STRIFE_GATEWAY, naming it when malformed', async () => {
    const bad = await cli.json(['balance', '--json'], undefined, { STRIFE_GATEWAY: 'nowhere' });
    expect(bad).toMatchObject({ code: 2, out: { error: { code: 'USAGE' } } });
    expect(bad.run.stderr).toMatch(/STRIFE_GATEWAY: "nowhere" is not HOST:PORT/);
    const flagWins = await cli.json(['--gateway', 'bad', 'balance', '--json'], undefined, {
      STRIFE_GATEWAY: 'nowhere',
    });
    expect(flagWins.run.stderr).toMatch(/--gateway: "bad"/);
  });

  it('registers a user, refusing a taken name (1) and an unknown bank (2)', async () => {
    const made = await cli.json([
      '--json',
      'register',
      '--username',
      'erin',
      '--password',
      'erin-pass-1',
      '--bank',
      'SBI',
      '--initial',
      '50.25',
    ]);
    expect(made.code).toBe(0);
    expect(made.out).toEqual({
      username: 'erin',
      account: expect.stringMatching(/^SBI:\d+$/) as unknown,
    });
    const account = made.out.account as string;
    await expect(system.books(account)).resolves.toEqual({ balance: 5025n, held: 0n });

    const taken = await cli.json([
      'register',
      '--username',
      'erin',
      '--password',
      'erin-pass-1',
      '--bank',
      'SBI',
      '--json',
    ]);
    expect(taken).toMatchObject({ code: 1, out: { error: { code: 'ALREADY_EXISTS' } } });
    const unknownBank = await cli.json([
      'register',
      '--username',
      'fred',
      '--password',
      'fred-pass-1',
      '--bank',
      'HDFC',
      '--json',
    ]);
    expect(unknownBank).toMatchObject({
      code: 2,
      out: {
        error: {
          code: 'INVALID_ARGUMENT',
          reason: 'INVALID_ARGUMENT',
          fields: [{ field: 'bank' }],
        },
      },
    });
    expect(unknownBank.run.stderr).toMatch(/bank: "HDFC"/);
  });

  it('logs in, keeping the session private to the user', async () => {
    const { code, out } = await cli.json([
      'login',
      '--username',
      'alice',
      '--password',
      'alice-pass-1',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(out).toEqual({
      username: 'alice',
      account: 'ICICI:1001',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });
    expect(Date.parse(out.expiresAt as string)).toBeGreaterThan(Date.now());
    expect(statSync(join(cli.home, 'session.json')).mode & 0o777).toBe(0o600);
    expect(statSync(cli.home).mode & 0o777).toBe(0o700);
  });

  it('shows the balance as decimal strings', async () => {
    await expect(cli.json(['balance', '--json'])).resolves.toMatchObject({
      code: 0,
      out: { account: 'ICICI:1001', balance: '1000.00', available: '1000.00' },
    });
    const human = await cli.run(['balance']);
    expect(human.stdout).toBe('ICICI:1001: balance 1000.00, available 1000.00\n');
  });

  it('pays with a fresh UUIDv7 key, and a repeated --key moves money once', async () => {
    const first = await cli.json(['pay', '--to', 'SBI:2001', '--amount', '100.50', '--json']);
    expect(first.code).toBe(0);
    expect(first.out).toEqual({
      key: expect.stringMatching(UUIDV7) as unknown,
      txid: expect.stringMatching(/^\d+$/) as unknown,
      status: 'COMMITTED',
    });

    const keyed = ['pay', '--to', 'SBI:2002', '--amount', '10', '--key', 'rent-may'];
    const second = await cli.json(['--json', ...keyed]);
    const again = await cli.json([...keyed, '--json']);
    expect(second).toMatchObject({ code: 0, out: { key: 'rent-may', status: 'COMMITTED' } });
    expect(again.out).toEqual(second.out);

    const human = await cli.run(keyed);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(
      `payment rent-may to SBI:2002 of 10.00 COMMITTED (txid ${second.out.txid as string})\n`,
    );
    await system.until(
      async () => (await system.books('SBI:2002')).balance === 11_000n,
      'credit at SBI',
    );
    await expect(system.books('ICICI:1001')).resolves.toEqual({ balance: 88_950n, held: 0n });
    await expect(system.books('SBI:2001')).resolves.toEqual({ balance: 90_050n, held: 0n });
  });

  it('reports an aborted payment with exit 1 and never queues it', async () => {
    const { code, out } = await cli.json(['pay', '--to', 'SBI:2001', '--amount', '5000', '--json']);
    expect(code).toBe(1);
    expect(out).toEqual({
      key: expect.stringMatching(UUIDV7) as unknown,
      txid: expect.stringMatching(/^\d+$/) as unknown,
      status: 'ABORTED',
      reason: expect.stringContaining('insufficient funds') as unknown,
    });
    await expect(cli.json(['queue', '--json'])).resolves.toMatchObject({ out: { queued: [] } });
    const status = await cli.json(['status', '--key', out.key as string, '--json']);
    expect(status).toMatchObject({ code: 1, out });
  });

  it('refuses an unknown bank (2) and paying yourself (2) without queuing', async () => {
    const unknown = await cli.json(['pay', '--to', 'HDFC:1', '--amount', '1', '--json']);
    expect(unknown).toMatchObject({ code: 2, out: { error: { code: 'INVALID_ARGUMENT' } } });
    expect(unknown.run.stderr).toMatch(/unknown bank HDFC/);
    const self = await cli.json(['pay', '--to', 'ICICI:1001', '--amount', '1', '--json']);
    expect(self).toMatchObject({ code: 2, out: { error: { code: 'USAGE' } } });
    await expect(cli.json(['queue', '--json'])).resolves.toMatchObject({ out: { queued: [] } });
  });

  it('refuses a key already queued for a different payment', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const queued = await cli.json([
      ...['--gateway', dead, 'pay', '--to', 'SBI:2001', '--amount', '1', '--key', 'twice'],
      '--json',
    ]);
    expect(queued).toMatchObject({ code: 3, out: { key: 'twice', status: 'QUEUED', txid: null } });
    const other = await cli.json([
      'pay',
      '--to',
      'SBI:2001',
      '--amount',
      '2',
      '--key',
      'twice',
      '--json',
    ]);
    expect(other).toMatchObject({ code: 2, out: { error: { code: 'USAGE' } } });
    expect(other.run.stderr).toMatch(/twice is already queued for a different payment/);
    const sent = await cli.json([
      'pay',
      '--to',
      'SBI:2001',
      '--amount',
      '1',
      '--key',
      'twice',
      '--json',
    ]);
    expect(sent).toMatchObject({ code: 0, out: { key: 'twice', status: 'COMMITTED' } });
    await expect(cli.json(['queue', '--json'])).resolves.toMatchObject({ out: { queued: [] } });
  });

  it('answers status from the gateway, and NOT_FOUND (1) for an unknown key', async () => {
    const ok = await cli.json(['status', '--key', 'rent-may', '--json']);
    expect(ok).toMatchObject({ code: 0, out: { key: 'rent-may', status: 'COMMITTED' } });
    const missing = await cli.json(['status', '--key', 'never-used', '--json']);
    expect(missing).toMatchObject({ code: 1, out: { error: { code: 'NOT_FOUND' } } });
  });

  it('pages through history, newest first', async () => {
    const all = await cli.json(['history', '--json']);
    expect(all.code).toBe(0);
    const payments = all.out.payments as Record<string, unknown>[];
    expect(payments).toHaveLength(4);
    expect(payments[0]).toEqual({
      key: 'twice',
      txid: expect.stringMatching(/^\d+$/) as unknown,
      status: 'COMMITTED',
      from: 'ICICI:1001',
      to: 'SBI:2001',
      amount: '1.00',
      at: expect.stringMatching(/^\d{4}-/) as unknown,
    });
    expect(payments.map((p) => p.status)).toEqual([
      'COMMITTED',
      'ABORTED',
      'COMMITTED',
      'COMMITTED',
    ]);
    const two = await cli.json(['history', '--limit', '2', '--json']);
    expect(two.out.payments).toEqual(payments.slice(0, 2));
  });

  it('runs commands typed into the shell', async () => {
    const run = await cli.run(['shell', '--json'], 'balance\nqueue\n\nexit\n');
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([{ account: 'ICICI:1001', balance: '888.50', available: '888.50' }, { queued: [] }]);
  });

  it('logs out at the gateway and here', async () => {
    await expect(cli.json(['logout', '--json'])).resolves.toMatchObject({ code: 0, out: {} });
    await expect(cli.json(['balance', '--json'])).resolves.toMatchObject({
      code: 4,
      out: { error: { code: 'NOT_LOGGED_IN' } },
    });
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
  });
});
