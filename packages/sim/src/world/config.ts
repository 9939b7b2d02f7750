import type { Random } from '../engine/random';
import type { NetworkFaults } from '../net/network';

/** One bank of a world: its name and its accounts' opening balances (minor units). */
export interface BankSpec {
  readonly name: string;
  readonly accounts: readonly { readonly accountNo: string; readonly balance: bigint }[];
}

/** The coordinator's timing, shared by every gateway instance (one cluster file). */
export interface GatewayTiming {
  readonly prepareMs: number;
  readonly ackMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly refusedRetryMaxMs: number;
  readonly renewMs: number;
  readonly takeOverMs: number;
  readonly leaseMs: number;
  /** How long a retry waits for an attempt still running before `RequestInFlight`. */
  readonly waitMs: number;
}

/** A bank's in-doubt resolver. */
export interface BankTiming {
  readonly inDoubtAfterMs: number;
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  /** Deadline of one ResolveTransaction call. */
  readonly resolveTimeoutMs: number;
}

/** How often and how hard the nemesis strikes while faults are on. */
export interface FaultRates {
  /** Mean gap between two nemesis actions (crash, partition, weather change), in ms. */
  readonly nemesisGapMs: number;
  /** Chance that a node crashes right after one of its batches commits. */
  readonly crashAfterCommit: number;
  /** Chance that a gateway instance crashes at a coordinator checkpoint. */
  readonly crashAtCheckpoint: number;
  /** Chance that a bank crashes at one of its failpoints (before/after prepare, commit, abort). */
  readonly crashAtFailpoint: number;
  /** How long a crashed node stays down, uniform in [min, max] ms. */
  readonly downMinMs: number;
  readonly downMaxMs: number;
  /** How long a partition lasts at most, in ms. */
  readonly partitionMaxMs: number;
}

/** What clients do. */
export interface WorkloadSpec {
  /** Mean gap between two new payments, in ms. */
  readonly meanGapMs: number;
  /** Most payments started in one run (payments keep arriving while faults are on). */
  readonly maxPayments: number;
  /** Amounts are uniform in [1, maxAmount]: near the balances, so overdrafts race. */
  readonly maxAmount: number;
  /** Chance that a new payment is sent to two gateway instances at once (same key). */
  readonly raceRate: number;
  /** Chance that a payment's key is also sent with a different amount (must be refused). */
  readonly probeRate: number;
  /** Chance that the payee account does not exist (its bank votes NO). */
  readonly unknownPayeeRate: number;
  /** A client's deadline per attempt, and its retry backoff. */
  readonly timeoutMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/** Everything a seed decides about the world before the first event. */
export interface WorldConfig {
  readonly banks: readonly BankSpec[];
  readonly gateways: readonly string[];
  /** Each node's clock skew, in ms (a gateway's lease times are on its own clock). */
  readonly skewMs: Readonly<Record<string, number>>;
  readonly gateway: GatewayTiming;
  readonly bank: BankTiming;
  /** The network while faults are on, and once they stop. */
  readonly stormy: NetworkFaults;
  readonly calm: NetworkFaults;
  /** Simulated fsync latency of a group-commit batch, uniform in [0, fsyncMaxMs]. */
  readonly fsyncMaxMs: number;
  readonly faults: FaultRates;
  readonly workload: WorkloadSpec;
}

const BANK_NAMES = ['SBI', 'ICICI', 'HDFC'];

/** The calm network every run ends with: no loss, no duplicates, short delays. */
export const CALM: NetworkFaults = {
  lossRate: 0,
  duplicateRate: 0,
  minDelayMs: 1,
  maxDelayMs: 5,
  spikeRate: 0,
  spikeMaxMs: 5,
};

/** A world drawn from `random`: small, so that every payment contends with the others. */
export function drawWorld(random: Random): WorldConfig {
  const banks = BANK_NAMES.slice(0, random.between(2, 3)).map((name) => ({
    name,
    accounts: Array.from({ length: random.between(2, 3) }, (_, i) => ({
      accountNo: String(1001 + i),
      balance: BigInt(random.between(0, 4) * 500),
    })),
  }));
  const gateways = Array.from({ length: random.between(1, 3) }, (_, i) => `gw${i + 1}`);
  const gateway = drawGatewayTiming(random);
  const skewMs: Record<string, number> = {};
  const maxSkew = random.chance(0.3) ? 0 : Math.floor(gateway.leaseMs / 10);
  for (const node of [...gateways, ...banks.map((b) => b.name)]) {
    skewMs[node] = random.between(-maxSkew, maxSkew);
  }
  const prepareAndAck = gateway.prepareMs + gateway.ackMs;
  return {
    banks,
    gateways,
    skewMs,
    gateway,
    bank: {
      inDoubtAfterMs: random.between(Math.floor(gateway.prepareMs / 2), prepareAndAck),
      intervalMs: random.pick([100, 250, 500]),
      maxBackoffMs: 2000,
      resolveTimeoutMs: random.pick([300, 1000]),
    },
    stormy: {
      lossRate: random.pick([0, 0.02, 0.05, 0.15]),
      duplicateRate: random.pick([0, 0.02, 0.1]),
      minDelayMs: random.between(0, 2),
      maxDelayMs: random.between(3, 30),
      spikeRate: random.pick([0, 0.01, 0.05]),
      spikeMaxMs: 2 * gateway.prepareMs,
    },
    calm: CALM,
    fsyncMaxMs: random.between(0, 4),
    faults: {
      nemesisGapMs: random.pick([20, 50, 100, 250]),
      crashAfterCommit: random.pick([0, 0.005, 0.02, 0.05]),
      crashAtCheckpoint: random.pick([0, 0.005, 0.02, 0.05]),
      crashAtFailpoint: random.pick([0, 0.005, 0.02, 0.05]),
      downMinMs: 10,
      downMaxMs: random.pick([100, gateway.leaseMs, 3 * gateway.leaseMs]),
      partitionMaxMs: random.pick([200, 2 * gateway.prepareMs, 2 * gateway.leaseMs]),
    },
    workload: drawWorkload(random),
  };
}

function drawGatewayTiming(random: Random): GatewayTiming {
  const leaseMs = random.pick([300, 600, 1200, 2500]);
  const retryInitialMs = random.pick([10, 25, 50, 100]);
  return {
    prepareMs: random.pick([50, 100, 300, 600]),
    ackMs: random.pick([50, 100, 300, 600]),
    retryInitialMs,
    retryMaxMs: retryInitialMs * random.pick([4, 10, 20]),
    refusedRetryMaxMs: 2000,
    renewMs: Math.floor(leaseMs / 4),
    takeOverMs: Math.floor(leaseMs / random.pick([2, 4])),
    leaseMs,
    waitMs: random.pick([50, 200, 1000]),
  };
}

function drawWorkload(random: Random): WorkloadSpec {
  const retryInitialMs = random.pick([20, 50, 100]);
  return {
    meanGapMs: random.pick([5, 20, 60]),
    maxPayments: 400,
    maxAmount: random.pick([300, 800, 1500]),
    raceRate: random.pick([0, 0.1, 0.3]),
    probeRate: random.pick([0, 0.05]),
    unknownPayeeRate: random.pick([0, 0.05]),
    timeoutMs: random.pick([150, 400, 1500]),
    retryInitialMs,
    retryMaxMs: retryInitialMs * 10,
  };
}

/**
 * How long everything may take to settle once faults stop: every crashed node is back, the
 * network is calm, and each of these waits can happen a few times in a row — a lease running
 * out and the takeover pass after it, a phase 1 and a phase 2 with a retry, a client's retry,
 * a bank's in-doubt pass after its longest backoff.
 */
export function settleBoundMs(world: WorldConfig): number {
  const g = world.gateway;
  const b = world.bank;
  const w = world.workload;
  const coordinator = g.leaseMs + g.takeOverMs + g.prepareMs + g.ackMs + 2 * g.retryMaxMs;
  const bank = b.inDoubtAfterMs + b.intervalMs + b.maxBackoffMs + b.resolveTimeoutMs;
  const client = w.timeoutMs + w.retryMaxMs + g.waitMs;
  return 3 * (coordinator + bank + client) + 1000;
}
