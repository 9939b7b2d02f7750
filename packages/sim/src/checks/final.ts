import type { Answers } from './answers';
import type { BankInspector, BankLeg, GatewayInspector, PaymentRow } from './inspect';
import type { Invariant } from './violation';

/** What the end-of-run checks read. */
export interface Ending {
  readonly banks: readonly BankInspector[];
  readonly gateway: GatewayInspector;
  /** Opening balance per `BANK:ACCOUNT`. */
  readonly opening: ReadonlyMap<string, bigint>;
  readonly answers: Answers;
  /** Client requests still without a final answer. */
  readonly waiting: number;
}

type Report = (invariant: Invariant, message: string, tags: readonly string[]) => void;

/**
 * What is not settled yet, or undefined once everything is: every client answered, every
 * transaction decided and DONE, every payment decided, no leg PREPARED at any bank.
 */
export function unsettled(end: Ending): string | undefined {
  const { open, pending } = end.gateway.unfinished();
  const prepared = end.banks.flatMap((b) => b.prepared().map((l) => `${b.bank}:${l.key}`));
  const parts = [
    end.waiting > 0 ? `${end.waiting} client request(s) unanswered` : '',
    open > 0 ? `${open} transaction(s) not DONE` : '',
    pending > 0 ? `${pending} payment(s) PENDING` : '',
    prepared.length > 0 ? `legs still PREPARED: ${prepared.slice(0, 5).join(', ')}` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** Trace tags of what is not settled: open transactions, PREPARED legs, unanswered keys. */
export function unsettledTags(end: Ending, unanswered: readonly string[]): string[] {
  const open = end.gateway
    .transactions()
    .filter((t) => t.done_at === null)
    .map((t) => `tx:${t.txid}`);
  const prepared = end.banks.flatMap((b) => b.prepared().map((l) => `tx:${l.txid}`));
  return [...new Set([...open, ...prepared, ...unanswered.map((k) => `key:${k}`)])];
}

/** The committed effect of every leg on each account: `BANK:ACCOUNT` → net amount. */
function effects(bank: string, legs: readonly BankLeg[]): Map<string, bigint> {
  const net = new Map<string, bigint>();
  const add = (account: string | null, amount: bigint): void => {
    if (account === null) return;
    const id = `${bank}:${account}`;
    net.set(id, (net.get(id) ?? 0n) + amount);
  };
  for (const leg of legs) {
    if (leg.state !== 'COMMITTED' || leg.amount === null) continue;
    if (leg.leg === 'credit') add(leg.account_no, leg.amount);
    else add(leg.account_no, -leg.amount);
    if (leg.leg === 'transfer') add(leg.to_account_no, leg.amount);
  }
  return net;
}

/** Every balance is its opening balance plus its committed legs; all add up to the opening total. */
function checkMoney(end: Ending, report: Report): void {
  let total = 0n;
  let opening = 0n;
  for (const value of end.opening.values()) opening += value;
  for (const bank of end.banks) {
    const net = effects(bank.bank, bank.legs());
    for (const a of bank.accounts()) {
      const id = `${bank.bank}:${a.account_no}`;
      const expected = (end.opening.get(id) ?? 0n) + (net.get(id) ?? 0n);
      total += a.balance;
      if (a.balance !== expected) {
        report(
          'conservation',
          `${id} has ${a.balance}, its opening plus committed legs ${expected}`,
          [bank.bank],
        );
      }
      if (a.held !== 0n || a.incoming !== 0n) {
        report('hold-without-prepared', `${id} still holds ${a.held} / expects ${a.incoming}`, [
          bank.bank,
        ]);
      }
    }
  }
  if (total !== opening)
    report('conservation', `balances add up to ${total}, opened with ${opening}`, []);
}

/** Every leg is in its transaction's final decision; every transaction DONE, with its payment. */
function checkDecisions(end: Ending, report: Report): void {
  const legsByTxid = new Map<bigint, { bank: string; leg: BankLeg }[]>();
  for (const bank of end.banks) {
    for (const leg of bank.legs()) {
      const list = legsByTxid.get(leg.txid) ?? [];
      list.push({ bank: bank.bank, leg });
      legsByTxid.set(leg.txid, list);
    }
  }
  const payments = new Map<bigint, PaymentRow>(end.gateway.payments().map((p) => [p.txid, p]));
  for (const tx of end.gateway.transactions()) {
    const tag = `tx:${tx.txid}`;
    if (tx.decision === null || tx.done_at === null) {
      report('liveness', `tx ${tx.txid} is ${tx.decision ?? 'undecided'} and not DONE`, [tag]);
    }
    for (const logged of end.gateway.legs(tx.txid)) {
      const held = legsByTxid
        .get(tx.txid)
        ?.find((l) => l.bank === logged.participant && l.leg.leg === logged.kind)?.leg;
      const state = held?.state ?? 'absent';
      const ok =
        tx.decision === 'COMMIT'
          ? state === 'COMMITTED'
          : state !== 'COMMITTED' && state !== 'PREPARED';
      if (!ok) {
        report(
          'decision-applied',
          `tx ${tx.txid} decided ${tx.decision ?? 'nothing'}, its ${logged.kind} at ${logged.participant} is ${state}`,
          [tag, logged.participant],
        );
      }
    }
    const logged = end.gateway.legs(tx.txid);
    for (const { bank, leg } of legsByTxid.get(tx.txid) ?? []) {
      if (!logged.some((l) => l.participant === bank && l.kind === leg.leg)) {
        report('initiated-first', `${bank} holds ${leg.key}, not a leg logged for it`, [tag, bank]);
      }
    }
    legsByTxid.delete(tx.txid);
    const payment = payments.get(tx.txid);
    payments.delete(tx.txid);
    const status = tx.decision === 'COMMIT' ? 'COMMITTED' : 'ABORTED';
    if (payment?.status !== status) {
      report(
        'payment-matches-decision',
        `tx ${tx.txid} decided ${tx.decision ?? 'nothing'}, payment ${payment?.status ?? 'missing'}`,
        [tag],
      );
    }
  }
  for (const [txid, legs] of legsByTxid) {
    report(
      'initiated-first',
      `${legs.map((l) => `${l.bank}:${l.leg.key}`).join(', ')} of a transaction never logged`,
      [`tx:${txid}`],
    );
  }
  for (const txid of payments.keys()) {
    report('payment-matches-decision', `payment of tx ${txid} has no transaction`, [`tx:${txid}`]);
  }
}

/** Every answer a client got is the payment the store holds for its key, to the last field. */
function checkAnswers(end: Ending, report: Report): void {
  for (const [id, answer] of end.answers.first) {
    const [username = '', key = ''] = id.split('\u0000');
    const stored = end.gateway.paymentByKey(username, key);
    const tags = [`key:${key}`, `tx:${answer.txid}`];
    if (stored === undefined) {
      report('identical-answers', `key ${key} was answered but its payment is gone`, tags);
      continue;
    }
    const differs = [
      stored.txid !== answer.txid ? `txid ${answer.txid}/${stored.txid}` : '',
      stored.status !== answer.status ? `status ${answer.status}/${stored.status}` : '',
      (stored.abort_reason ?? undefined) !== answer.abortReason
        ? `reason ${answer.abortReason ?? '-'}/${stored.abort_reason ?? '-'}`
        : '',
      stored.reason !== answer.reason ? `text "${answer.reason}"/"${stored.reason}"` : '',
      stored.amount !== answer.amount || stored.to_account !== answer.to ? 'payment' : '',
      stored.from_account !== answer.from ? 'payer' : '',
      Number(stored.created_at) !== answer.createdAt.getTime() ? 'createdAt' : '',
    ].filter((d) => d !== '');
    if (differs.length > 0) {
      report(
        'identical-answers',
        `key ${key}: answered/stored differ in ${differs.join(', ')}`,
        tags,
      );
    }
  }
  for (const intent of end.answers.reused) {
    const stored = end.gateway.paymentByKey(intent.username, intent.key);
    if (stored === undefined) {
      report('one-payment-per-key', `key ${intent.key} refused as reused, yet no payment has it`, [
        `key:${intent.key}`,
      ]);
    } else if (stored.amount === intent.amount && stored.to_account === intent.to) {
      report('one-payment-per-key', `key ${intent.key} refused as reused, yet it is that payment`, [
        `key:${intent.key}`,
      ]);
    }
  }
}

/** The checks once everything has settled: money, decisions, payments and answers, in full. */
export function finalChecks(end: Ending, report: Report): void {
  checkMoney(end, report);
  checkDecisions(end, report);
  checkAnswers(end, report);
}
