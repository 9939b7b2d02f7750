import { Answers } from '../checks/answers';
import { Checker } from '../checks/checker';
import type { Ending } from '../checks/final';
import { BankInspector, GatewayInspector } from '../checks/inspect';
import { watchLeases } from '../checks/leases';
import { Random } from '../engine/random';
import { Scheduler } from '../engine/scheduler';
import { Stats } from '../engine/stats';
import { Trace } from '../engine/trace';
import { Nemesis } from '../faults/nemesis';
import type { Mutation } from '../mutations';
import { Network } from '../net/network';
import { Rpc } from '../net/rpc';
import { BankNode } from '../nodes/bank';
import { GatewayNode } from '../nodes/gateway';
import { Clients } from '../workload/clients';
import { drawWorld, type WorldConfig } from './config';
import type { World } from './context';
import { acquire, release } from './databases';

/** FNV-1a of `text`, mixed with `seed`: a stream per name that does not depend on call order. */
function streamSeed(seed: number, text: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

/** A simulated world, wired and ready to start: nodes, network, nemesis, clients, checkers. */
export interface Built {
  readonly config: WorldConfig;
  readonly scheduler: Scheduler;
  readonly trace: Trace;
  readonly stats: Stats;
  readonly checker: Checker;
  readonly nemesis: Nemesis;
  readonly clients: Clients;
  /** What the end-of-run checks read (its `waiting` is live). */
  readonly ending: () => Ending;
  /** Starts every node, the clients and the nemesis (at simulated time 0). */
  readonly start: () => void;
  /** Gives the databases back for the next run. */
  readonly close: () => void;
}

/** Builds the world a seed describes, with `mutation` switched on. */
export function buildWorld(seed: number, mutation: Mutation, tracing: boolean): Built {
  const stream = (name: string) => new Random(streamSeed(seed, name));
  const config = drawWorld(stream('world'));
  const scheduler = new Scheduler();
  const trace = new Trace(tracing, () => scheduler.now);
  const stats = new Stats();
  const network = new Network(scheduler, stream('network'), trace, stats, { ...config.stormy });
  const rpc = new Rpc(network, scheduler, stream('rpc'), trace, 0.5);
  const books = config.banks.map((bank) => ({ bank, db: acquire('books') }));
  const gatewayDb = acquire('gateway');
  const opening = new Map<string, bigint>();
  for (const { name, accounts } of config.banks) {
    for (const a of accounts) opening.set(`${name}:${a.accountNo}`, a.balance);
  }
  const openingTotal = [...opening.values()].reduce((sum, b) => sum + b, 0n);
  const inspectors = books.map(({ bank, db }) => new BankInspector(bank.name, db));
  const gateway = new GatewayInspector(gatewayDb);
  const checker = new Checker(inspectors, gateway, openingTotal, () => ({
    step: trace.step,
    at: scheduler.now,
  }));
  const nemesis = new Nemesis(config, scheduler, network, trace, stats, stream('nemesis'));
  let txid = 0n;
  const world: World = {
    config,
    scheduler,
    rpc,
    trace,
    monitor: checker,
    stats,
    crashes: nemesis,
    mutation,
    storage: stream('storage'),
    stream,
    nextTxid: () => (txid += 1n),
  };
  const banks = books.map(({ bank, db }) => new BankNode(bank.name, db, world, bank.accounts));
  const gateways = config.gateways.map((name) => new GatewayNode(name, gatewayDb, world));
  watchLeases(
    gatewayDb,
    {
      isLive: (id) => gateways.some((g) => g.isLive(id)),
      clockOf: (owner) => gateways.find((g) => g.name === owner)?.now(),
    },
    checker,
  );
  nemesis.manage([...banks, ...gateways]);
  const answers = new Answers(checker);
  const clients = new Clients(world, answers, stream('clients'));
  return {
    config,
    scheduler,
    trace,
    stats,
    checker,
    nemesis,
    clients,
    ending: () => ({ banks: inspectors, gateway, opening, answers, waiting: clients.waiting }),
    start: () => {
      for (const node of [...banks, ...gateways]) node.start();
      clients.start();
      nemesis.start();
    },
    close: () => {
      for (const bank of banks) bank.close();
      for (const { db } of books) release('books', db);
      release('gateway', gatewayDb);
    },
  };
}
