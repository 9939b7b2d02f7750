import type { Monitor } from '../world/context';
import type { BankInspector, GatewayInspector, HeldLeg, LoggedLeg, TxDecision } from './inspect';
import type { Invariant, Violation } from './violation';

/** What a bank leg does to its bank's total balance once committed. */
function netEffect(leg: HeldLeg): bigint {
  if (leg.state !== 'COMMITTED' || leg.amount === null) return 0n;
  if (leg.leg === 'debit') return -leg.amount;
  if (leg.leg === 'credit') return leg.amount;
  return 0n;
}

/** Whether a bank's leg is the one the decision log INITIATED. */
function matches(logged: LoggedLeg, leg: HeldLeg): boolean {
  return (
    logged.account === leg.account_no &&
    logged.amount === leg.amount &&
    logged.to_account === leg.to_account_no
  );
}

/**
 * The checkers that run after every step. Nodes `touch` the txids whose durable state a step may
 * have changed; after the step, each touched transaction is checked across the decision log, the
 * payments and every bank, and each bank it touched has its books checked: balances and holds
 * never negative, held and incoming money exactly the live PREPARED legs, and all balances adding
 * up to the opening total plus what is in flight between the two commits of a payment. The first
 * violation stops the run.
 */
export class Checker implements Monitor {
  readonly violations: Violation[] = [];
  private readonly dirty = new Set<bigint>();
  private readonly dirtyBooks = new Set<string>();
  /** The legs each transaction was INITIATED with (they never change once logged). */
  private readonly logged = new Map<bigint, readonly LoggedLeg[]>();
  /** Per txid, what its committed legs did to the sum of all balances (0 once both committed). */
  private readonly inFlight = new Map<bigint, bigint>();
  private readonly balances = new Map<string, bigint>();

  constructor(
    private readonly banks: readonly BankInspector[],
    private readonly gateway: GatewayInspector,
    private readonly openingTotal: bigint,
    /** The current step and simulated time, for the report. */
    private readonly where: () => { step: number; at: number },
  ) {}

  get failed(): boolean {
    return this.violations.length > 0;
  }

  touch(txid: bigint): void {
    this.dirty.add(txid);
  }

  booksChanged(bank: string): void {
    this.dirtyBooks.add(bank);
  }

  violation(invariant: Invariant, message: string, tags: readonly string[]): void {
    this.violations.push({ invariant, message, tags, ...this.where() });
  }

  /** Checks what the last step touched. */
  afterStep(): void {
    if (this.dirty.size === 0 && this.dirtyBooks.size === 0) return;
    for (const txid of this.dirty) this.checkTransaction(txid);
    const touched = [...this.dirty];
    this.dirty.clear();
    if (this.dirtyBooks.size === 0) return;
    // Trace tags are built only for a violation.
    const tags = () => touched.map((txid) => `tx:${txid}`);
    for (const bank of this.banks) {
      if (this.dirtyBooks.has(bank.bank)) this.checkBooks(bank, tags);
    }
    this.dirtyBooks.clear();
    this.checkConservation();
  }

  /** The legs `txid` was INITIATED with; empty if it is not logged (or logged without legs). */
  private legsLogged(txid: bigint, tx: TxDecision | undefined): readonly LoggedLeg[] {
    if (tx === undefined) return [];
    let legs = this.logged.get(txid);
    if (legs === undefined) {
      legs = this.gateway.legs(txid);
      if (legs.length > 0) this.logged.set(txid, legs);
    }
    return legs;
  }

  private checkTransaction(txid: bigint): void {
    const tx = this.gateway.transaction(txid);
    const logged = this.legsLogged(txid, tx);
    let committed = 0;
    let aborted = 0;
    let net = 0n;
    // A logged transaction's legs are at its participants (the final check looks everywhere).
    const banks =
      logged.length === 0
        ? this.banks
        : this.banks.filter((b) => logged.some((l) => l.participant === b.bank));
    for (const bank of banks) {
      for (const leg of bank.legsOf(txid)) {
        this.checkInitiated(bank.bank, txid, leg, tx, logged);
        if (leg.state === 'COMMITTED') committed += 1;
        if (leg.state === 'ABORTED') aborted += 1;
        net += netEffect(leg);
        if (leg.state === 'COMMITTED' && tx?.decision !== 'COMMIT') {
          this.violation(
            'decision-applied',
            `${bank.bank} committed ${leg.key} but the decision is ${tx?.decision ?? 'none'}`,
            [`tx:${txid}`, bank.bank],
          );
        }
        if (leg.state === 'ABORTED' && tx?.decision === 'COMMIT') {
          this.violation(
            'decision-applied',
            `${bank.bank} aborted ${leg.key} but the decision is COMMIT`,
            [`tx:${txid}`, bank.bank],
          );
        }
      }
    }
    if (committed > 0 && aborted > 0) {
      this.violation(
        'atomicity',
        `tx ${txid} has ${committed} leg(s) committed and ${aborted} aborted`,
        [`tx:${txid}`],
      );
    }
    if (net === 0n) this.inFlight.delete(txid);
    else this.inFlight.set(txid, net);
    this.checkPayment(txid, tx);
  }

  /** A bank holds a leg only of a logged transaction, and exactly the leg that was logged. */
  private checkInitiated(
    bank: string,
    txid: bigint,
    leg: HeldLeg,
    tx: TxDecision | undefined,
    logged: readonly LoggedLeg[],
  ): void {
    if (tx === undefined) {
      this.violation(
        'initiated-first',
        `${bank} holds ${leg.key} of a transaction never initiated`,
        [`tx:${txid}`, bank],
      );
      return;
    }
    if (leg.account_no === null) return;
    const mine = logged.find((l) => l.participant === bank && l.kind === leg.leg);
    if (mine === undefined || !matches(mine, leg)) {
      this.violation('initiated-first', `${bank} holds ${leg.key} unlike the leg logged for it`, [
        `tx:${txid}`,
        bank,
      ]);
    }
  }

  /** The payment's status is its transaction's decision, and each exists with the other. */
  private checkPayment(txid: bigint, tx: TxDecision | undefined): void {
    const payment = this.gateway.payment(txid);
    if (tx === undefined && payment === undefined) return;
    if (tx === undefined || payment === undefined) {
      this.violation(
        'payment-matches-decision',
        `tx ${txid} has ${tx ? 'no payment' : 'no log record'}`,
        [`tx:${txid}`],
      );
      return;
    }
    const expected =
      tx.decision === null ? 'PENDING' : tx.decision === 'COMMIT' ? 'COMMITTED' : 'ABORTED';
    if (payment.status !== expected) {
      this.violation(
        'payment-matches-decision',
        `payment ${payment.idem_key} (tx ${txid}) is ${payment.status}, decision ${tx.decision ?? 'none'}`,
        [`tx:${txid}`, `key:${payment.idem_key}`],
      );
    }
  }

  /** No negative money; held and incoming are exactly the live PREPARED legs. */
  private checkBooks(bank: BankInspector, touched: () => readonly string[]): void {
    const held = new Map<string, bigint>();
    const incoming = new Map<string, bigint>();
    const add = (map: Map<string, bigint>, account: string | null, amount: bigint | null) => {
      if (account !== null && amount !== null) map.set(account, (map.get(account) ?? 0n) + amount);
    };
    for (const leg of bank.prepared()) {
      if (leg.leg === 'debit' || leg.leg === 'transfer') add(held, leg.account_no, leg.amount);
      if (leg.leg === 'credit') add(incoming, leg.account_no, leg.amount);
      if (leg.leg === 'transfer') add(incoming, leg.to_account_no, leg.amount);
    }
    let total = 0n;
    for (const a of bank.accounts()) {
      total += a.balance;
      if (a.balance < 0n || a.held < 0n || a.incoming < 0n || a.held > a.balance) {
        this.violation(
          'negative-balance',
          `${bank.bank}:${a.account_no} balance ${a.balance} held ${a.held} incoming ${a.incoming}`,
          [bank.bank, ...touched()],
        );
      }
      const h = held.get(a.account_no) ?? 0n;
      const i = incoming.get(a.account_no) ?? 0n;
      if (a.held !== h || a.incoming !== i) {
        this.violation(
          'hold-without-prepared',
          `${bank.bank}:${a.account_no} holds ${a.held} and expects ${a.incoming}, ` +
            `its PREPARED legs ${h} and ${i}`,
          [bank.bank, ...touched()],
        );
      }
    }
    this.balances.set(bank.bank, total);
  }

  /** All balances add up to the opening total, give or take the money between two commits. */
  private checkConservation(): void {
    let total = 0n;
    for (const bank of this.banks) {
      let balance = this.balances.get(bank.bank);
      if (balance === undefined) {
        balance = bank.accounts().reduce((sum, a) => sum + a.balance, 0n);
        this.balances.set(bank.bank, balance);
      }
      total += balance;
    }
    let flight = 0n;
    for (const net of this.inFlight.values()) flight += net;
    if (total !== this.openingTotal + flight) {
      this.violation(
        'conservation',
        `balances add up to ${total}; opening ${this.openingTotal}, in flight ${flight}`,
        [...this.inFlight.keys()].map((txid) => `tx:${txid}`),
      );
    }
  }
}
