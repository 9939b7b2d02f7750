import { formatAmount } from '@strife/domain';
import { AbortReason, LegState, type Payment, PaymentStatus } from '@strife/protocol';
import { type SeedAccount, type SeedUser, TestSystem } from '@strife/testkit';
import { audit, legsOf } from './books';
import { between, pick, seededRandom } from './rng';
import { Supervisor } from './supervisor';
import { Client, newObservations, type Account } from './workload';

/**
 * Jepsen's "bank" test for Strife: concurrent clients pay among ten accounts at two banks while
 * a seeded schedule kills -9 and restarts every service and fires the 2PC failpoints. Then the
 * books, the gateway's decisions and every answer the clients got must agree.
 */
export interface Scenario {
  readonly seed: number;
  /** How long faults run. */
  readonly seconds: number;
  /** Gateway instances: 1 on SQLite, or several on `database`. */
  readonly gateways: number;
  readonly database?: string;
}

const CLIENTS = 12;
const BANKS = ['ICICI', 'SBI'] as const;
/**
 * A gateway instance (and txid, which every instance needs for a new payment) must have been up
 * this long before an UNAVAILABLE counts against it: a channel redials within its reconnect
 * backoff (at most 2 s).
 */
const SETTLED_MS = 3000;

/** Fired with `exit@N`; a store's commit failpoint dies just before the N-th batch is written. */
const FAILPOINTS = {
  gateway: [
    'gateway.after-initiated',
    'gateway.after-votes',
    'gateway.after-decision',
    'gateway.after-ack',
    'gateway.store-write',
  ],
  bank: ['bank.after-prepare-log', 'bank.after-commit', 'bank.after-abort', 'bank.store-write'],
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

/** A run of the scenario: `start` it, then `check` what it returns; `stop` always. */
export class BankTest {
  system: TestSystem | undefined;
  supervisor: Supervisor | undefined;

  constructor(private readonly scenario: Scenario) {}

  async stop(): Promise<void> {
    await this.supervisor?.stop();
    if (process.env.STRIFE_E2E_KEEP) {
      process.stdout.write(
        `kept ${this.system?.cluster.dir ?? ''}\n${this.supervisor?.log.join('\n') ?? ''}\n`,
      );
    } else await this.system?.stop();
  }

  /** Runs the load and the faults, settles, and returns every violation found (none: it held). */
  async run(): Promise<{ problems: string[]; summary: string }> {
    const { seed, seconds, gateways, database } = this.scenario;
    const random = seededRandom(seed);
    const data = seedData();
    const s = (this.system = await TestSystem.start({
      banks: data.banks,
      users: data.users,
      gateways,
      ...(database === undefined ? {} : { database, leaseMs: 1000 }),
      prepareTimeoutMs: 1000,
      commitTimeoutMs: 1000,
      recovery: { inDoubtAfterMs: 1500, intervalMs: 200 },
    }));
    const initial = new Map(data.accounts.map((a) => [a.address, 100_000n]));
    const services = ['txid', ...BANKS, ...s.gatewayNames];
    const supervisor = (this.supervisor = new Supervisor(s, services));
    const excusable = (since: number): boolean =>
      !supervisor.upThroughout('txid', since - SETTLED_MS, Date.now()) ||
      !s.gatewayNames.some((g) => supervisor.upThroughout(g, since - SETTLED_MS, Date.now()));

    const seen = newObservations();
    const clients = Array.from({ length: CLIENTS }, (_, i) => {
      const me = data.accounts[i % data.accounts.length]!;
      const others = data.accounts.filter((a) => a !== me);
      return new Client(s, i, me, others, seededRandom(seed + i + 1), seen, excusable);
    });
    const end = Date.now() + seconds * 1000;
    const load = Promise.all(clients.map((c) => c.run(() => Date.now() > end)));

    while (Date.now() < end - 1000) {
      await new Promise((resolve) => setTimeout(resolve, between(random, 300, 1500)));
      const roll = random();
      if (gateways > 1 && roll < 0.08) {
        await supervisor.restartTogether(s.gatewayNames, between(random, 0, 1500));
        continue;
      }
      const target = pick(random, services);
      const isGateway = target.startsWith('gateway');
      const failpoints =
        roll < 0.4 && target !== 'txid'
          ? `${pick(random, isGateway ? FAILPOINTS.gateway : FAILPOINTS.bank)}:exit@${between(random, 1, 12)}`
          : roll < 0.5 && target !== 'txid' && !isGateway
            ? `bank.before-prepare:delay=1500@${between(random, 1, 6)}`
            : undefined;
      // With several instances the others go on serving while one is down, so a restart may
      // wait a while: survivors must take its payments over.
      const pause = gateways > 1 && isGateway ? between(random, 0, 2500) : between(random, 0, 300);
      await supervisor.restart(target, failpoints, pause);
    }
    await load;
    await supervisor.settle();

    const deadline = Date.now() + 60_000;
    for (const [index, client] of clients.entries()) {
      for (const key of [...seen.unanswered]) {
        if (key.startsWith(`c${index}-`)) await client.settle(key, deadline);
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

    const problems = [...seen.unexpected, ...(await audit(s, BANKS, initial, seen.answers))];
    for (const client of clients) {
      for (const [key, replies] of await client.replayAll()) {
        const first = seen.answers.get(key)?.[0];
        for (const reply of replies) {
          if (!samePayment(reply, first)) problems.push(`key ${key}: a replay differs`);
        }
      }
    }
    const total = await s.total(data.banks);
    if (total !== 100_000n * BigInt(data.accounts.length)) {
      problems.push(`money not conserved: ${formatAmount(total)}`);
    }
    const answers = [...seen.answers.values()].map((list) => list[0]);
    const committed = answers.filter((p) => p?.status === PaymentStatus.PAYMENT_STATUS_COMMITTED);
    if (committed.length === 0) problems.push('no payment committed at all');
    const aborts = new Map<string, number>();
    for (const p of answers) {
      if (p?.status !== PaymentStatus.PAYMENT_STATUS_ABORTED) continue;
      const reason = AbortReason[p.abortReason];
      aborts.set(reason, (aborts.get(reason) ?? 0) + 1);
    }
    const summary = [
      `bank test seed ${seed} (${gateways} gateway${gateways > 1 ? 's' : ''}):`,
      `${seen.sent} sends, ${seen.answers.size} payments answered`,
      `(${committed.length} committed; aborted: ${[...aborts].map(([r, n]) => `${r} ${n}`).join(', ')}),`,
      `total ${formatAmount(total)}`,
      `faults:\n  ${supervisor.log.join('\n  ')}`,
    ].join(' ');
    return { problems, summary };
  }
}

function samePayment(a: Payment | undefined, b: Payment | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.status === b.status &&
    a.txid === b.txid &&
    a.abortReason === b.abortReason &&
    a.reason === b.reason &&
    a.amount === b.amount &&
    a.to === b.to &&
    a.createdAt?.getTime() === b.createdAt?.getTime()
  );
}
