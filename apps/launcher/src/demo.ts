import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatAmount } from '@strife/domain';
import { BankServiceDefinition } from '@strife/protocol';
import {
  createStrifeChannel,
  createStrifeClient,
  loadTlsMaterial,
  repoRoot,
  runMain,
} from '@strife/runtime';
import { Cluster } from './cluster';
import { createDemoCluster, type DemoCluster } from './demoCluster';
import { BOLD, paint, RED } from './logLines';
import { strife, type CliResult } from './strifeCli';

const colour = process.stdout.isTTY;
const say = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
const step = (title: string): void => say(`\n${paint(BOLD, `== ${title}`, colour)}`);

/** Fails the demo (exit 1) unless `ok`. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`demo check failed: ${what}`);
  say(`   ✓ ${what}`);
}

// `pnpm demo`: the product, narrated, on its own ports and data dir; exits 1 if anything is off.
runMain('demo', async () => {
  const demo = await createDemoCluster();
  const cluster = new Cluster({
    config: demo.config,
    env: demo.env,
    colour,
    print: say,
    minLevel: 40,
  });
  try {
    await run(demo, cluster);
  } finally {
    await cluster.stop();
    demo.remove();
  }
});

/** A user's own STRIFE_HOME inside the demo dir. */
function homeOf(demo: DemoCluster, user: string): string {
  const dir = join(demo.dir, 'home', user);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function run(demo: DemoCluster, cluster: Cluster): Promise<void> {
  const cli = async (user: string, args: string[]): Promise<CliResult> => {
    say(`   $ strife ${args.map((a) => (a.includes('pass') ? '••••' : a)).join(' ')}`);
    const result = await strife(args, demo.env, homeOf(demo, user));
    say(`     → exit ${result.code} ${JSON.stringify(result.json)}`);
    return result;
  };
  const books = booksReader(demo);
  try {
    await narrate(demo, cluster, cli, books);
  } finally {
    books.close();
  }
}

type Books = ReturnType<typeof booksReader>;
type Cli = (user: string, args: string[]) => Promise<CliResult>;

async function narrate(demo: DemoCluster, cluster: Cluster, cli: Cli, books: Books): Promise<void> {
  step('Starting txid, the banks and the gateway (own ports, temp data dir, fresh certificates)');
  await cluster.start();
  const opening = await books.total();
  say(`   every service answers its health check; money in the system: ${formatAmount(opening)}`);

  step('1. Seeded users log in and check their balances');
  await cli('alice', ['login', '--username', 'alice', '--password', 'alice-pass-1']);
  await cli('bob', ['login', '--username', 'bob', '--password', 'bob-pass-1']);
  const aliceStart = (await cli('alice', ['balance'])).json.balance;
  await cli('bob', ['balance']);

  step('2. Alice (ICICI) pays Bob (SBI) 150.00 across banks');
  const rent = ['pay', '--to', 'SBI:2001', '--amount', '150.00', '--key', 'demo-rent'];
  const first = await cli('alice', rent);
  check(
    first.code === 0 && first.json.status === 'COMMITTED',
    'COMMITTED by two-phase commit across ICICI and SBI',
  );
  const aliceAfter = (await cli('alice', ['balance'])).json.balance;

  step('3. The same payment is retried with the same key: money moves once');
  const retry = await cli('alice', rent);
  check(
    retry.json.txid === first.json.txid,
    `the retry returns the original answer (txid ${String(first.json.txid)})`,
  );
  check(
    (await cli('alice', ['balance'])).json.balance === aliceAfter,
    `Alice paid once: ${String(aliceStart)} → ${String(aliceAfter)}`,
  );

  step('4. A payment Alice cannot afford is declined');
  const broke = await cli('alice', ['pay', '--to', 'SBI:2001', '--amount', '1000000.00']);
  check(
    broke.code === 1 && broke.json.status === 'ABORTED',
    `ABORTED: ${String(broke.json.reason)}`,
  );

  step('5. The gateway goes down while Alice pays: the payment waits in her offline queue');
  await cluster.kill('gateway', 'SIGTERM');
  const queued = await cli('alice', [
    'pay',
    '--to',
    'SBI:2002',
    '--amount',
    '75.00',
    '--key',
    'demo-offline',
  ]);
  check(
    queued.code === 3 && queued.json.status === 'QUEUED',
    'QUEUED (exit 3): nothing lost, nothing sent twice',
  );
  await cli('alice', ['queue']);

  step('6. The gateway comes back; the retrier delivers the queued payment');
  await cluster.startOne('gateway');
  const delivered = await daemonDelivers(demo, homeOf(demo, 'alice'));
  say(`     daemon: ${JSON.stringify(delivered)}`);
  check(
    delivered.status === 'COMMITTED' && delivered.key === 'demo-offline',
    'the queued payment is COMMITTED, once',
  );
  check(
    ((await cli('alice', ['queue'])).json.queued as unknown[]).length === 0,
    'the queue is empty',
  );

  step(
    "7. ICICI crashes mid-payment, right after applying Alice's debit and before acknowledging it",
  );
  await cluster.kill('bank-ICICI', 'SIGTERM');
  await cluster.startOne('bank-ICICI', { STRIFE_FAILPOINTS: 'bank.after-commit:exit' });
  const bobBefore = (await books.account('SBI:2001')).balance;
  const crashed = await cli('alice', [
    'pay',
    '--to',
    'SBI:2001',
    '--amount',
    '40.00',
    '--key',
    'demo-crash',
  ]);
  check(
    crashed.json.status === 'COMMITTED',
    'the decision was durable before phase 2, so the answer is COMMITTED',
  );
  await cluster.startOne('bank-ICICI');
  say('   ICICI restarted; the gateway re-sends Commit until every bank acknowledges');
  await until(
    async () => (await books.account('SBI:2001')).balance === bobBefore + 4000n,
    'Bob to be credited',
  );
  check(
    (await books.account('ICICI:1001')).held === 0n,
    'Bob got 40.00 and no hold is left at ICICI',
  );

  step('Final balances, straight from each bank');
  let total = 0n;
  for (const account of demo.accounts) {
    const { balance, held } = await books.account(account);
    total += balance;
    say(
      `   ${account.padEnd(12)} ${formatAmount(balance).padStart(12)}${held > 0n ? ` (held ${formatAmount(held)})` : ''}`,
    );
  }
  check(total === opening, `money conserved: ${formatAmount(total)} before and after`);
  say(`\n${paint(BOLD, 'Demo finished: every check passed.', colour)}`);
}

/** Runs `strife daemon` until it reports the first final outcome, then stops it. */
function daemonDelivers(demo: DemoCluster, home: string): Promise<Record<string, unknown>> {
  const daemon = spawn(
    process.execPath,
    [
      join(repoRoot(), 'apps/client/dist/main.js'),
      'daemon',
      '--retry-initial-ms',
      '300',
      '--retry-max-ms',
      '1000',
      '--json',
    ],
    {
      env: { ...process.env, ...demo.env, STRIFE_HOME: home },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  say('   $ strife daemon --retry-initial-ms 300 --retry-max-ms 1000 --json');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      daemon.kill('SIGTERM');
      reject(new Error('the daemon delivered nothing within 30 s'));
    }, 30_000);
    createInterface({ input: daemon.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      if (event.event !== 'payment') return;
      clearTimeout(timer);
      daemon.kill('SIGTERM');
      resolve(event);
    });
  });
}

/** Reads accounts straight from the banks, as the gateway's certificate. */
function booksReader(demo: DemoCluster) {
  const tls = loadTlsMaterial(demo.config.certsDir, 'gateway');
  const channels = demo.config.banks.map(
    (b) => [b.name, createStrifeChannel(b.address, { tls })] as const,
  );
  const clients = new Map(
    channels.map(([name, channel]) => [name, createStrifeClient(BankServiceDefinition, channel)]),
  );
  const account = async (address: string): Promise<{ balance: bigint; held: bigint }> => {
    const [bank, accountNo] = address.split(':') as [string, string];
    const client = clients.get(bank);
    if (!client) throw new Error(`no bank ${bank}`);
    const { account: found } = await client.getAccount({ accountNo });
    return { balance: found?.balance ?? 0n, held: found?.held ?? 0n };
  };
  return {
    account,
    close: () => {
      for (const [, channel] of channels) channel.close();
    },
    total: async () => {
      let sum = 0n;
      for (const a of demo.accounts) sum += (await account(a)).balance;
      return sum;
    },
  };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`${paint(RED, 'timed out', colour)} waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
