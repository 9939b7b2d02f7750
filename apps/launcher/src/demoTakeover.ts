import { formatAmount } from '@strife/domain';
import { LegState } from '@strife/protocol';
import { Books } from './books';
import { Cluster } from './cluster';
import { createDemoCluster, type DemoCluster } from './demoCluster';
import { startGatewayDatabase } from './gatewayDatabase';
import type { Narrator } from './narrator';
import { narratedCli, type NarratedCli } from './strifeCli';

/** Where gw1 stalls: after both banks voted YES, before it logs a decision. */
const STALL = 'gateway.after-votes:hang';
const ALICE = 'ICICI:1001';
const BOB = 'SBI:2001';
const KEY = 'demo-takeover';

/**
 * Chapter 8: two gateway instances on a private PostgreSQL. gw1 is killed with SIGKILL in the
 * middle of a payment, after both banks voted YES; gw2 takes the payment over once gw1's lease
 * runs out and commits it; Alice's retry with the same key gets that one answer, from either.
 */
export async function twoGateways(n: Narrator): Promise<void> {
  n.step(
    '8. Two gateway instances share one database; one is killed mid-payment, the other finishes it',
  );
  n.say('   starting a private PostgreSQL for the gateways’ shared sessions, keys and decisions…');
  const db = await startGatewayDatabase('strife_demo');
  try {
    n.say(`   PostgreSQL (${db.source} binaries) at ${db.redacted}, data directory ${db.dataDir}`);
    // The banks wait well past the takeover before asking about a leg in doubt: asking first
    // would have the payment presumed aborted, as safe but another story.
    const demo = await createDemoCluster({ gateways: 2, inDoubtAfterMs: 15_000 });
    const print = (line: string): void => {
      n.say(line);
    };
    const cluster = new Cluster({
      config: demo.config,
      env: demo.env,
      gatewayEnv: { STRIFE_DATABASE_URL: db.url },
      colour: n.colour,
      print,
      minLevel: 40,
    });
    const books = new Books(demo.config, demo.accounts);
    try {
      await takeover(demo, cluster, narratedCli(demo.env, demo.homeOf, print), books, n);
    } finally {
      books.close();
      await cluster.stop();
      demo.remove();
    }
  } finally {
    await db.stop();
  }
}

async function takeover(
  demo: DemoCluster,
  cluster: Cluster,
  cli: NarratedCli,
  books: Books,
  n: Narrator,
): Promise<void> {
  const [gw1, gw2] = demo.config.gateway.instances;
  if (gw1 === undefined || gw2 === undefined) throw new Error('the demo needs two gateways');
  await cluster.start({ 'gateway-gw1': { STRIFE_FAILPOINTS: STALL } });
  n.say('   a second network from the same seed, with two gateway instances on that database:');
  n.say(`   txid, ICICI, SBI, gw1 (${gw1.address}) and gw2 (${gw2.address}) answer health checks`);
  n.say(`   gw1 runs with STRIFE_FAILPOINTS=${STALL}: it stalls once both banks have voted YES`);
  const opening = await books.total();
  await cli('alice', ['login', '--username', 'alice', '--password', 'alice-pass-1']);
  const before = { alice: await books.account(ALICE), bob: await books.account(BOB) };
  n.say(
    `   before: Alice ${formatAmount(before.alice.balance)}, Bob ${formatAmount(before.bob.balance)}`,
  );

  n.say('   Alice pays Bob 25.00 through gw1:');
  const pay = ['pay', '--to', BOB, '--amount', '25.00', '--key', KEY];
  const first = cli('alice', ['--gateway', gw1.address, ...pay]);
  let txid = 0n;
  await n.until(async () => {
    txid = await preparedAtBoth(books);
    return txid > 0n;
  }, 'both banks to vote YES');
  n.say(`   ICICI holds Alice's 25.00 and SBI has the credit PREPARED (txid ${txid});`);
  n.say('   gw1 has logged no decision. Now it crashes:');
  n.say(`   $ kill -9 ${cluster.pid('gateway-gw1') ?? '?'}   # gw1`);
  await cluster.kill('gateway-gw1', 'SIGKILL');
  const killedAt = Date.now();
  const lost = await first;
  n.check(
    lost.code === 3 && lost.json.status === 'QUEUED',
    'gw1 died before answering: the payment waits in Alice’s offline queue (QUEUED, exit 3)',
  );

  const { leaseMs } = demo.config.gateway;
  n.say(
    `   gw2 takes the payment over once gw1's lease on it runs out (gateway.leaseMs ${leaseMs}),`,
  );
  n.say(
    '   asks both banks again (a repeated Prepare gets the first vote), commits and tells them',
  );
  const finished = async (): Promise<boolean> =>
    (await books.account(BOB)).balance === before.bob.balance + 2500n &&
    (await books.account(ALICE)).held === 0n;
  await n.until(finished, "gw2 to finish gw1's payment");
  const seconds = ((Date.now() - killedAt) / 1000).toFixed(1);
  n.check(
    await finished(),
    `gw2 committed it ${seconds} s after the kill: Bob has the 25.00, no hold is left at ICICI`,
  );

  n.say(
    '   Alice retries with the same key; her CLI spreads calls over gw1 and gw2, and fails over:',
  );
  const retry = await cli('alice', pay);
  n.check(
    retry.code === 0 && retry.json.status === 'COMMITTED' && retry.json.txid === String(txid),
    `the retry gets the payment's one answer: COMMITTED, txid ${txid}`,
  );
  n.say('   gw1 comes back; it answers from the shared database:');
  await cluster.startOne('gateway-gw1');
  const asked = await cli('alice', ['--gateway', gw1.address, 'status', '--key', KEY]);
  n.check(
    asked.json.status === 'COMMITTED' && asked.json.txid === String(txid),
    'gw1 gives the same answer',
  );

  const after = { alice: await books.account(ALICE), bob: await books.account(BOB) };
  n.say(
    `   after:  Alice ${formatAmount(after.alice.balance)}, Bob ${formatAmount(after.bob.balance)}`,
  );
  n.check(
    after.alice.balance === before.alice.balance - 2500n &&
      after.bob.balance === before.bob.balance + 2500n,
    'the money moved once: Alice −25.00, Bob +25.00',
  );
  const total = await books.total();
  n.check(total === opening, `money conserved: ${formatAmount(total)} before and after`);
}

/** The txid of a payment with a PREPARED leg at both ICICI and SBI; 0 while there is none. */
async function preparedAtBoth(books: Books): Promise<bigint> {
  const [icici, sbi] = await Promise.all([books.legs('ICICI'), books.legs('SBI')]);
  const prepared = (txid: bigint) => (l: { txid: bigint; state: LegState }) =>
    l.txid === txid && l.state === LegState.LEG_STATE_PREPARED;
  const debit = icici.find((l) => l.state === LegState.LEG_STATE_PREPARED);
  return debit !== undefined && sbi.some(prepared(debit.txid)) ? debit.txid : 0n;
}
