/**
 * The console's JSON, as `GET /api/status`, `GET /api/payments` and `GET /api/events` send it and
 * the page reads it: one set of types for the server and the browser. Money is a decimal string
 * (`"825.00"`, `formatAmount`); txids are decimal strings (they are uint64); times are ISO 8601
 * strings; ages and durations are milliseconds. `null` means "not known now" (e.g. the service
 * that would say is unreachable), never zero.
 */

/** How a service answers: SERVING, up but NOT_SERVING (starting, draining), or UNREACHABLE. */
export type ServiceState = 'SERVING' | 'NOT_SERVING' | 'UNREACHABLE';

/** Whether a service's Prometheus metrics could be read on this pass. */
export type MetricsState = 'SCRAPED' | 'NO_ADDRESS' | 'UNREACHABLE';

/** One process of the cluster: txid, a bank or a gateway instance. */
export interface ServiceView {
  /** `txid`, `bank:SBI`, `gateway` (one instance) or `gateway:gw1`. */
  readonly name: string;
  readonly kind: 'txid' | 'bank' | 'gateway';
  readonly address: string;
  readonly status: ServiceState;
  readonly version: string | null;
  readonly startedAt: string | null;
  readonly uptimeMs: number | null;
  /** Why it is UNREACHABLE (the gRPC status and message); null otherwise. */
  readonly error: string | null;
  readonly metricsAddress: string | null;
  readonly metrics: MetricsState;
}

/** A leg a bank holds PREPARED: voted YES, waiting for the decision. */
export interface PreparedLegView {
  readonly txid: string;
  readonly leg: 'debit' | 'credit' | 'transfer';
  readonly accountNo: string;
  /** A transfer's payee; null for a debit or a credit. */
  readonly toAccountNo: string | null;
  readonly amount: string;
  readonly ageMs: number;
  /** Older than `recovery.inDoubtAfterMs`: the bank is asking the coordinator about it. */
  readonly overdue: boolean;
}

/** One bank's books, as its OpsService reports them; money fields null while it is unreachable. */
export interface BankView {
  readonly name: string;
  readonly status: ServiceState;
  /** Sum of every account's balance. */
  readonly balance: string | null;
  /** Held for PREPARED debits and transfers. */
  readonly held: string | null;
  /** Reserved for PREPARED credits and incoming transfers. */
  readonly incoming: string | null;
  /** Money in the PREPARED legs listed below (every PREPARED leg is in doubt at its bank). */
  readonly inDoubt: string | null;
  /** How many legs are PREPARED in all (the list holds at most 200). */
  readonly inDoubtLegs: number | null;
  readonly oldestInDoubtMs: number | null;
  readonly accounts: number | null;
  /** PREPARED legs, oldest first. */
  readonly legs: readonly PreparedLegView[];
}

/** Whether money is conserved: see `money/conservation.ts` for how it is decided. */
export interface ConservationView {
  /** True while the console has verified that the books hold what was put in. */
  readonly ok: boolean;
  /** HOLDS, BROKEN (a confirmed difference), or UNKNOWN (cannot be checked now). */
  readonly state: 'HOLDS' | 'BROKEN' | 'UNKNOWN';
  /**
   * The last reading differed but is not confirmed yet (money may have moved between the reads of
   * different services); `state` is the last confirmed verdict meanwhile.
   */
  readonly settling: boolean;
  /** What the banks must hold: `seeded` plus `deposits`. */
  readonly expected: string;
  /** Sum of every bank's balances plus `inFlight`; null when a bank or the decisions are unknown. */
  readonly actual: string | null;
  /** actual - expected; null when actual is. */
  readonly difference: string | null;
  /** Committed money between its debit and its credit (debited, not yet credited is positive). */
  readonly inFlight: string | null;
  /** The seed CSVs' totals: what the banks' books start with. */
  readonly seeded: string;
  /** Opening deposits of accounts registered after the seed, as observed by this console. */
  readonly deposits: string;
  /** One sentence saying what was checked, or why it could not be. */
  readonly detail: string;
}

/** A transaction not yet DONE in the gateways' decision log. */
export interface OpenTransactionView {
  readonly txid: string;
  readonly state: 'INITIATED' | 'COMMIT' | 'ABORT';
  /** The instance holding its lease; null when none does. */
  readonly owner: string | null;
  readonly ageMs: number;
}

export interface RecentDecisionView {
  readonly txid: string;
  readonly decision: 'COMMIT' | 'ABORT';
  /** For an abort, e.g. `VOTED_NO SBI INSUFFICIENT_FUNDS`; null for a commit. */
  readonly cause: string | null;
  readonly decidedAt: string | null;
}

export interface StuckDeliveryView {
  readonly instance: string;
  readonly txid: string;
  readonly bank: string;
  readonly leg: 'debit' | 'credit' | 'transfer';
  readonly decision: 'COMMIT' | 'ABORT';
  readonly attempts: number;
  readonly since: string | null;
  readonly error: string;
}

/** Two-phase commit across the gateway instances. */
export interface TwoPhaseView {
  /** The instance whose shared log this is; null when no gateway answers. */
  readonly source: string | null;
  /** Open transactions, oldest first (the gateway lists at most 200). */
  readonly open: readonly OpenTransactionView[];
  readonly openByState: {
    readonly INITIATED: number;
    readonly COMMIT: number;
    readonly ABORT: number;
  };
  /** The gateway listed as many as it lists at most: there may be more. */
  readonly openTruncated: boolean;
  /** Each instance's own work right now. */
  readonly active: readonly { instance: string; phaseOne: number; phaseTwo: number }[];
  readonly recent: readonly RecentDecisionView[];
  readonly stuck: readonly StuckDeliveryView[];
}

/** Totals from the gateways' Prometheus counters, summed over the instances scraped. */
export interface TrafficView {
  /** Gateway instances without a metricsAddress: their traffic is not counted. */
  readonly withoutMetrics: readonly string[];
  /** Gateway instances whose metrics were read on this pass. */
  readonly scraped: readonly string[];
  /** Decisions since each instance started. */
  readonly committed: number;
  readonly aborted: number;
  /** Aborts by cause (`VOTED_NO`, `TIMEOUT`, `UNAVAILABLE`, `PRESUMED`) since each instance started. */
  readonly abortsByCause: Readonly<Record<string, number>>;
}

/** One point of the throughput and latency charts. */
export interface MetricsPoint {
  /** Milliseconds since the epoch. */
  readonly t: number;
  /** Decisions per second over the last interval; null when no gateway's metrics were read. */
  readonly committed: number | null;
  readonly aborted: number | null;
  /** Pay latency over the last few seconds, in milliseconds; null without calls. */
  readonly p50: number | null;
  readonly p99: number | null;
}

/** `GET /api/status`, and each `status` event of `GET /api/events`. */
export interface StatusView {
  readonly at: string;
  readonly services: readonly ServiceView[];
  readonly banks: readonly BankView[];
  readonly conservation: ConservationView;
  readonly twoPhase: TwoPhaseView;
  readonly traffic: TrafficView;
  /** The latest chart point; null without gateway metrics. */
  readonly point: MetricsPoint | null;
  /** `recovery.inDoubtAfterMs`: a PREPARED leg older than this is overdue. */
  readonly inDoubtAfterMs: number;
}

/** One bank's leg of a payment, from that bank's books. */
export interface PaymentLegView {
  readonly bank: string;
  readonly leg: 'debit' | 'credit' | 'transfer';
  readonly accountNo: string;
  readonly toAccountNo: string | null;
  readonly amount: string;
  readonly state: 'PREPARED' | 'COMMITTED' | 'ABORTED';
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

/** `GET /api/payments?txid=N` or `?key=K&user=U`. */
export interface PaymentView {
  readonly txid: string;
  /** The payer's username and the payment's idempotency key; null when the gateway has no record. */
  readonly username: string | null;
  readonly key: string | null;
  /** COMMITTED, ABORTED or PENDING; from the decision log when the payment record is gone. */
  readonly status: 'COMMITTED' | 'ABORTED' | 'PENDING' | null;
  /** BANK:ACCOUNT_NO. */
  readonly payer: string | null;
  readonly payee: string | null;
  readonly amount: string | null;
  /** Why it was aborted; null otherwise. */
  readonly reason: string | null;
  readonly createdAt: string | null;
  /** The decision log's record: INITIATED, COMMIT, ABORT or DONE, and the decision. */
  readonly decision: {
    readonly state: string;
    readonly decision: 'COMMIT' | 'ABORT' | null;
    readonly cause: string | null;
    readonly owner: string | null;
  } | null;
  /** Each bank's legs of the txid. */
  readonly legs: readonly PaymentLegView[];
  /** Services that could not be asked (their legs may be missing). */
  readonly unreachable: readonly string[];
}

/** The body of every 4xx and 5xx answer. */
export interface ErrorView {
  readonly error: string;
}
