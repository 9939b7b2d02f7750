import { formatAmount } from '@strife/domain';
import { AbortReason, LegState, type Payment, PaymentStatus } from '@strife/protocol';
import { type SeedAccount, type SeedUser, TestSystem } from '@strife/testkit';
import { audit, legsOf } from './books';
import { between, pick, seededRandom } from './rng';
import { SERVICES, Supervisor } from './supervisor';
import { Client, newObservations, type Account } from './workload';

/**
 * Jepsen's "bank" test for Strife: concurrent clients pay among ten accounts at both banks while
 * a seeded schedule kills -9 and restarts every service and fires the 2PC failpoints. Then the
 * books, the gateway's decisions and every answer the clients got must agree.
 *
 * STRIFE_E2E_SEED replays a run; STRIFE_E2E_SECONDS sets how long faults run (default 30).
 */
const seed = Number(process.env.STRIFE_E2E_SEED ?? Math.floor(Math.random() * 2 ** 31));
const seconds = Number(process.env.STRIFE_E2E_SECONDS ?? 30);
const CLIENTS = 12;
const BANKS = ['ICICI', 'SBI'] as const;

const FAILPOINTS = {
  gateway: ['gateway.after-initiated', 'gateway.after-decision', 'gateway.after-ack'],
  bank: ['bank.after-prepare-log', 'bank.after-commit', 'bank.after-abort'],
} as const;

function seedData(): {
  banks: Record<string, SeedAccount[]>;
  users: SeedUser[];
  accounts: Account[];
} {
  const banks: Record<string, SeedAccount[]> = {};
  const users: SeedUser[] = [];
  const accounts: Account[] = [];
  BANKS.forEach((bank, b) => {
    banks[bank] = [];
    for (let i = 1; i <= 5; i++) {
      const accountNo = String((b + 1) * 1000 + i);
      const username = `${bank.toLowerCase()}${i}`;
      banks[bank].push({ accountNo, holder: username, balance: '1000.00' });
      users.push({ username, password: 'e2e-pass-1', bank, account_no: accountNo });
      accounts.push({ address: `${bank}:${accountNo}`, username });
    }
  });
  return { banks, users, accounts };
}

describe(`bank test (seed ${seed}, ${seconds} s of faults)`, () => {
  let system: TestSystem | undefined;
  let supervisor: Supervisor | undefined;

  afterAll(async () => {
    await supervisor?.stop();
    if (process.env.STRIFE_E2E_KEEP) {
      process.stdout.write(
        `kept ${system?.cluster.dir ?? ''}\n${supervisor?.log.join('\n') ?? ''}\n`,
      );
    } else await system?.stop();
  });

  it('keeps money conserved and every answer true while processes crash', async () => {
    process.stdout.write(`bank test seed ${seed} (replay with STRIFE_E2E_SEED=${seed})\n`);
    const random = seededRandom(seed);
    const data = seedData();
    system = await TestSystem.start({
      banks: data.banks,
      users: data.users,
      prepareTimeoutMs: 1000,
      commitTimeoutMs: 1000,
      recovery: { inDoubtAfterMs: 1500, intervalMs: 200 },
    });
    const s = system;
    const initial = new Map(data.accounts.map((a) => [a.address, 100_000n]));
    const total = 100_000n * BigInt(data.accounts.length);

    const seen = newObservations();
    const clients = Array.from({ length: CLIENTS }, (_, i) => {
      const me = data.accounts[i % data.accounts.length]!;
      return new Client(
        s,
        i,
        me,
        data.accounts.filter((a) => a !== me),
        seededRandom(seed + i + 1),
        seen,
      );
    });
    const end = Date.now() + seconds * 1000;
    const load = Promise.all(clients.map((c) => c.run(() => Date.now() > end)));

    supervisor = new Supervisor(s);
    while (Date.now() < end - 1000) {
      await new Promise((resolve) => setTimeout(resolve, between(random, 300, 1500)));
      const target = pick(random, SERVICES);
      const roll = random();
      const failpoints =
        roll < 0.4 && target !== 'txid'
          ? `${pick(random, target === 'gateway' ? FAILPOINTS.gateway : FAILPOINTS.bank)}:exit@${between(random, 1, 12)}`
          : roll < 0.5 && target !== 'txid' && target !== 'gateway'
            ? `bank.before-prepare:delay=1500@${between(random, 1, 6)}`
            : undefined;
      await supervisor.restart(target, failpoints, between(random, 0, 300));
    }
    await load;
    await supervisor.settle();

    const deadline = Date.now() + 60_000;
    for (const client of clients) {
      for (const key of [...seen.unanswered]) {
        if (key.startsWith(`c${clients.indexOf(client)}-`)) await client.settle(key, deadline);
      }
    }
    await s.until(
      async () => {
        for (const bank of BANKS) {
          if ((await legsOf(s, bank)).some((l) => l.state === LegState.LEG_STATE_PREPARED))
            return false;
        }
        return true;
      },
      'every PREPARED leg to be resolved',
      60_000,
    );

    const problems = await audit(s, BANKS, initial, seen.answers);
    const replays = new Map<string, Payment | undefined>();
    for (const client of clients)
      for (const [key, reply] of await client.replayAll()) replays.set(key, reply);
    for (const [key, reply] of replays) {
      const first = seen.answers.get(key)?.[0];
      if (reply?.status !== first?.status || reply?.txid !== first?.txid)
        problems.push(`key ${key}: replay differs`);
    }

    const answers = [...seen.answers.values()].map((list) => list[0]);
    const committed = answers.filter(
      (p) => p?.status === PaymentStatus.PAYMENT_STATUS_COMMITTED,
    ).length;
    const aborts = new Map<string, number>();
    for (const p of answers) {
      if (p?.status !== PaymentStatus.PAYMENT_STATUS_ABORTED) continue;
      const reason = AbortReason[p.abortReason];
      aborts.set(reason, (aborts.get(reason) ?? 0) + 1);
    }
    process.stdout.write(
      [
        `bank test seed ${seed}: ${seen.sent} sends, ${seen.answers.size} payments answered`,
        `(${committed} committed; aborted: ${[...aborts].map(([r, n]) => `${r} ${n}`).join(', ')}),`,
        `total ${formatAmount(await s.total(data.banks))}`,
        `faults:\n  ${supervisor.log.join('\n  ')}`,
      ].join(' ') + '\n',
    );
    expect(seen.unexpected).toEqual([]);
    expect(problems).toEqual([]);
    await expect(s.total(data.banks)).resolves.toBe(total);
    expect(committed).toBeGreaterThan(0);
  });
});
