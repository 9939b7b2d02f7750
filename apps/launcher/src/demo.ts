import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatAmount } from '@strife/domain';
import { repoRoot, runMain } from '@strife/runtime';
import { parseDemoArgs } from './args';
import { Books } from './books';
import { Cluster } from './cluster';
import { BOLD, colourEnabled, paint } from './colour';
import { createDemoCluster, type DemoCluster } from './demoCluster';
import { twoGateways } from './demoTakeover';
import { Narrator } from './narrator';
import { narratedCli, type NarratedCli } from './strifeCli';

// `pnpm demo`: the product, narrated, on its own ports and data dir; exits 1 if anything is off.
runMain('demo', async () => {
  const args = parseDemoArgs(process.argv.slice(2));
  if (args.kind === 'exit') process.exit(args.code);
  const narrator = new Narrator(colourEnabled(process.stdout));
  await oneGateway(narrator);
  await twoGateways(narrator);
  narrator.say(`\n${paint(BOLD, 'Demo finished: every check passed.', narrator.colour)}`);
});

/** Chapters 1 to 7, on one gateway instance with its state in SQLite. */
async function oneGateway(narrator: Narrator): Promise<void> {
  const demo = await createDemoCluster();
  const cluster = new Cluster({
    config: demo.config,
    env: demo.env,
    colour: narrator.colour,
    print: (line) => {
      narrator.say(line);
    },
    minLevel: 40,
  });
  const books = new Books(demo.config, demo.accounts);
  const say = (line: string): void => {
    narrator.say(line);
  };
  try {
    await narrate(demo, cluster, narratedCli(demo.env, demo.homeOf, say), books, narrator);
  } finally {
    books.close();
    await cluster.stop();
    demo.remove();
  }
}

async function narrate(
  demo: DemoCluster,
  cluster: Cluster,
  cli: NarratedCli,
  books: Books,
  n: Narrator,
): Promise<void> {
  n.step('Starting txid, the banks and the gateway (own ports, temp data dir, fresh certificates)');
  await cluster.start();
  const opening = await books.total();
  n.say(`   every service answers its health check; money in the system: ${formatAmount(opening)}`);

  n.step('1. Seeded users log in and check their balances');
  await cli('alice', ['login', '--username', 'alice', '--password', 'alice-pass-1']);
  await cli('bob', ['login', '--username', 'bob', '--password', 'bob-pass-1']);
  const aliceStart = (await cli('alice', ['balance'])).json.balance;
  await cli('bob', ['balance']);

  n.step('2. Alice (ICICI) pays Bob (SBI) 150.00 across banks');
  const rent = ['pay', '--to', 'SBI:2001', '--amount', '150.00', '--key', 'demo-rent'];
  const first = await cli('alice', rent);
  n.check(
    first.code === 0 && first.json.status === 'COMMITTED',
    'COMMITTED by two-phase commit across ICICI and SBI',
  );
  const aliceAfter = (await cli('alice', ['balance'])).json.balance;

  n.step('3. The same payment is retried with the same key: money moves once');
  const retry = await cli('alice', rent);
  n.check(
    retry.json.txid === first.json.txid,
    `the retry returns the original answer (txid ${String(first.json.txid)})`,
  );
  n.check(
    (await cli('alice', ['balance'])).json.balance === aliceAfter,
    `Alice paid once: ${String(aliceStart)} → ${String(aliceAfter)}`,
  );

  n.step('4. A payment Alice cannot afford is declined');
  const broke = await cli('alice', ['pay', '--to', 'SBI:2001', '--amount', '1000000.00']);
  n.check(
    broke.code === 1 && broke.json.status === 'ABORTED',
    `ABORTED: ${String(broke.json.reason)}`,
  );

  n.step('5. The gateway goes down while Alice pays: the payment waits in her offline queue');
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
  n.check(
    queued.code === 3 && queued.json.status === 'QUEUED',
    'QUEUED (exit 3): nothing lost, nothing sent twice',
  );
  await cli('alice', ['queue']);

  n.step('6. The gateway comes back; the retrier delivers the queued payment');
  await cluster.startOne('gateway');
  const delivered = await daemonDelivers(demo, demo.homeOf('alice'), n);
  n.say(`     daemon: ${JSON.stringify(delivered)}`);
  n.check(
    delivered.status === 'COMMITTED' && delivered.key === 'demo-offline',
    'the queued payment is COMMITTED, once',
  );
  n.check(
    ((await cli('alice', ['queue'])).json.queued as unknown[]).length === 0,
    'the queue is empty',
  );

  n.step(
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
  n.check(
    crashed.json.status === 'COMMITTED',
    'the decision was durable before phase 2, so the answer is COMMITTED',
  );
  await cluster.startOne('bank-ICICI');
  n.say('   ICICI restarted; the gateway re-sends Commit until every bank acknowledges');
  await n.until(
    async () => (await books.account('SBI:2001')).balance === bobBefore + 4000n,
    'Bob to be credited',
  );
  n.check(
    (await books.account('ICICI:1001')).held === 0n,
    'Bob got 40.00 and no hold is left at ICICI',
  );

  n.step('Final balances, straight from each bank');
  const total = await books.show(n);
  n.check(total === opening, `money conserved: ${formatAmount(total)} before and after`);
}

/** Runs `strife daemon` until it reports the first final outcome, then stops it. */
function daemonDelivers(
  demo: DemoCluster,
  home: string,
  n: Narrator,
): Promise<Record<string, unknown>> {
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
  n.say('   $ strife daemon --retry-initial-ms 300 --retry-max-ms 1000 --json');
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
