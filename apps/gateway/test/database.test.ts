import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type PrivatePostgres, startPrivatePostgres } from '@strife/postgres';
import { PaymentStatus } from '@strife/protocol';
import { HealthDefinition, createStrifeChannel, createStrifeClient } from '@strife/runtime';
import { SEED_TOTAL, TestSystem, startService } from '@strife/testkit';
import { Status } from 'nice-grpc';

/** A PostgreSQL of this test's own, which it stops and starts again at the same URL. */
async function ownServer(dir: string, again?: PrivatePostgres): Promise<PrivatePostgres> {
  const password = again ? new URL(again.url).password : undefined;
  return startPrivatePostgres({
    dataDir: join(dir, 'data'),
    ...(again ? { port: again.port } : {}),
    ...(password ? { password } : {}),
  });
}

describe('the gateway and its PostgreSQL', () => {
  let dir: string;
  let server: PrivatePostgres | undefined;
  let system: TestSystem | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strife-pg-faults-'));
    chmodSync(dir, 0o755);
  });

  afterEach(async () => {
    await system?.stop();
    system = undefined;
    await server?.stop();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a malformed database URL with exit 2 and one line that names it, never the password', async () => {
    const s = (system = await TestSystem.start({}));
    await s.kill('gateway');
    const started = startService('gateway', s.cluster, {
      env: { STRIFE_DATABASE_URL: 'postgres://strife:hunter2@:5432' },
      timeoutMs: 10_000,
    });
    await expect(started).rejects.toThrow(/exited \(2\)/);
    const logs = readdirSync(s.cluster.dir).filter((f) => f.startsWith('gateway.'));
    const output = logs.map((f) => readFileSync(join(s.cluster.dir, f), 'utf8')).join('');
    const line = output.trim().split('\n').at(-1) ?? '';
    expect(line).toMatch(/^gateway: config error: STRIFE_DATABASE_URL is not a valid URL/);
    expect(output).not.toContain('hunter2');
  });

  /** The gateway's health status as a monitor sees it, or the error that stopped the probe. */
  async function health(s: TestSystem): Promise<string> {
    const channel = createStrifeChannel(s.cluster.config.gateway.instances[0]!.address, {
      tls: s.cluster.tls('monitor'),
    });
    try {
      const { status } = await createStrifeClient(HealthDefinition, channel, 1000).check({
        service: '',
      });
      return ['UNKNOWN', 'SERVING', 'NOT_SERVING'][status] ?? String(status);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    } finally {
      channel.close();
    }
  }

  it('waits NOT_SERVING for a database that is down at start, then serves when it comes up', async () => {
    server = await ownServer(dir);
    const url = await createDatabase(server.url, 'strife');
    const s = (system = await TestSystem.start({ database: url }));
    await s.kill('gateway');
    await server.stop();
    s.processes.set('gateway', await startService('gateway', s.cluster, { wait: false }));
    await s.until(
      async () => (await health(s)) === 'NOT_SERVING',
      'the gateway to answer NOT_SERVING',
    );
    await s.until(
      () =>
        Promise.resolve(
          s.process('gateway').output().includes('the database cannot be reached yet'),
        ),
      'the gateway to say it cannot reach the database',
    );
    const alice = s.gateway();
    await expect(
      alice.login({ username: 'alice', password: 'alice-pass-1' }),
    ).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    server = await ownServer(dir, server);
    await s.until(async () => (await health(s)) === 'SERVING', 'the gateway to serve', 30_000);
    const { payment } = await s
      .gateway()
      .pay(
        { idempotencyKey: 'after-start', to: 'SBI:2001', amount: 100n, from: '' },
        await s.login('alice'),
      );
    expect(payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    expect(s.process('gateway').output()).not.toContain(new URL(url).password);
  });

  it('answers UNAVAILABLE while its database is down, loses nothing, and resumes by itself', async () => {
    server = await ownServer(dir);
    const url = await createDatabase(server.url, 'strife');
    const s = (system = await TestSystem.start({ database: url }));
    const alice = await s.login('alice');
    const first = await s
      .gateway()
      .pay({ idempotencyKey: 'before', to: 'SBI:2001', amount: 100n, from: '' }, alice);
    expect(first.payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);

    await server.stop();
    const during = { idempotencyKey: 'during', to: 'SBI:2001', amount: 200n, from: '' };
    await expect(s.gateway().pay(during, alice)).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    await s.until(async () => (await health(s)) === 'NOT_SERVING', 'NOT_SERVING while down');

    server = await ownServer(dir, server);
    await s.until(async () => (await health(s)) === 'SERVING', 'SERVING again', 30_000);
    const again = await s.gateway().pay(during, alice);
    expect(again.payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    await expect(
      s.gateway().pay({ idempotencyKey: 'before', to: 'SBI:2001', amount: 100n, from: '' }, alice),
    ).resolves.toEqual(first);
    await s.until(async () => (await s.books('SBI:2001')).balance === 80_300n, 'both credits');
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
  });
});
