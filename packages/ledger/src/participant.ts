import type Database from 'better-sqlite3';
import {
  Internal,
  type LegKind,
  LegMismatch,
  LegStateConflict,
  UnknownLeg,
  type Vote,
} from '@strife/domain';
import type { Now } from './clock';
import { no, refusalOf } from './refusals';
import { legKind, legState, voteReason, type LegRow } from './rows';
import { type LegInput, sidesOf } from './sides';
import type { Statements } from './statements';
import type { LegRequest, TransferRequest } from './types';
import {
  assertAccountNo,
  assertBigint,
  assertLeg,
  assertTxid,
  fitsInt64,
  legKey,
} from './validate';

const YES: Vote = { vote: 'YES' };

type AccountStatement = Statements['hold'];

/**
 * The bank's side of two-phase commit. Each leg key moves through PREPARED → COMMITTED or
 * PREPARED → ABORTED once; every step runs in one SQLite transaction, so a YES vote is never
 * given without a durable PREPARED record and its reservations, and a repeat of any step returns
 * the first answer and changes nothing.
 *
 * Money promised at Prepare is reserved on both sides — held on the payer, `incoming` on the
 * payee — so Commit only moves what was reserved and cannot fail: no balance goes negative and
 * none passes MAX_BALANCE. Guarded by test/prepare.test.ts, test/transfer.test.ts,
 * test/commitAbort.test.ts, test/properties.test.ts and test/bounds.test.ts.
 */
export class Participant {
  private readonly prepareTx: (leg: LegInput) => Vote;
  private readonly commitTx: (key: string) => 'COMMITTED';
  private readonly abortTx: (txid: bigint, kind: LegKind, key: string) => 'ABORTED';

  constructor(
    db: Database.Database,
    private readonly s: Statements,
    private readonly now: Now,
  ) {
    const prepare = db.transaction((leg: LegInput) => this.prepareIn(leg));
    const commit = db.transaction((key: string) => this.commitIn(key));
    const abort = db.transaction((txid: bigint, kind: LegKind, key: string) =>
      this.abortIn(txid, kind, key),
    );
    this.prepareTx = (leg) => prepare.immediate(leg);
    this.commitTx = (key) => commit.immediate(key);
    this.abortTx = (txid, kind, key) => abort.immediate(txid, kind, key);
  }

  /** Prepare of a debit or a credit at one account. */
  prepare(kind: 'debit' | 'credit', req: LegRequest): Vote {
    assertTxid(req.txid);
    assertAccountNo(req.accountNo);
    assertBigint(req.amount, 'amount');
    const { txid, accountNo, amount } = req;
    return this.prepareTx({ kind, txid, accountNo, toAccountNo: null, amount });
  }

  /** Prepare of a transfer between two accounts of this bank. */
  prepareTransfer(req: TransferRequest): Vote {
    assertTxid(req.txid);
    assertAccountNo(req.fromAccountNo, 'fromAccountNo');
    assertAccountNo(req.toAccountNo, 'toAccountNo');
    assertBigint(req.amount, 'amount');
    const { txid, fromAccountNo, toAccountNo, amount } = req;
    return this.prepareTx({
      kind: 'transfer',
      txid,
      accountNo: fromAccountNo,
      toAccountNo,
      amount,
    });
  }

  commit(txid: bigint, kind: LegKind): 'COMMITTED' {
    assertTxid(txid);
    assertLeg(kind);
    return this.commitTx(legKey(txid, kind));
  }

  abort(txid: bigint, kind: LegKind): 'ABORTED' {
    assertTxid(txid);
    assertLeg(kind);
    return this.abortTx(txid, kind, legKey(txid, kind));
  }

  private prepareIn(leg: LegInput): Vote {
    const key = legKey(leg.txid, leg.kind);
    const existing = this.s.getLeg.get({ key });
    if (existing !== undefined) return this.repeatedVote(existing, leg);
    const refusal = refusalOf(this.s, leg);
    const record = {
      key,
      txid: leg.txid,
      leg: leg.kind,
      accountNo: leg.accountNo,
      toAccountNo: leg.toAccountNo,
      now: this.now(),
    };
    if (refusal !== undefined) {
      // An amount outside int64 cannot be stored; its NO is a pure function of the request, so
      // a repeat still gets the same answer without a record.
      if (fitsInt64(leg.amount)) {
        this.s.insertLeg.run({
          ...record,
          amount: leg.amount,
          state: 'ABORTED',
          reason: refusal.reason,
          detail: refusal.detail,
        });
      }
      return refusal;
    }
    this.s.insertLeg.run({
      ...record,
      amount: leg.amount,
      state: 'PREPARED',
      reason: null,
      detail: null,
    });
    this.apply(key, leg, this.s.hold, this.s.reserveIncoming);
    return YES;
  }

  /** The first answer for a key, provided the request is the same one. */
  private repeatedVote(row: LegRow, leg: LegInput): Vote {
    if (row.account_no === null) {
      return no('ALREADY_ABORTED', `leg ${row.key} was aborted before it was prepared`);
    }
    const transfer = leg.kind === 'transfer';
    if (row.account_no !== leg.accountNo) {
      throw new LegMismatch(row.key, transfer ? 'fromAccountNo' : 'accountNo');
    }
    if (row.to_account_no !== leg.toAccountNo) throw new LegMismatch(row.key, 'toAccountNo');
    if (row.amount !== leg.amount) throw new LegMismatch(row.key, 'amount');
    const reason = voteReason(row);
    return reason === undefined ? YES : no(reason, row.vote_detail ?? '');
  }

  private commitIn(key: string): 'COMMITTED' {
    const row = this.s.getLeg.get({ key });
    if (row === undefined) throw new UnknownLeg(key);
    const state = legState(row);
    if (state === 'COMMITTED') return 'COMMITTED';
    if (state === 'ABORTED') throw new LegStateConflict(key, state, 'commit');
    this.apply(key, this.prepared(row), this.s.applyDebit, this.s.applyCredit);
    this.finish(key, 'COMMITTED');
    return 'COMMITTED';
  }

  private abortIn(txid: bigint, kind: LegKind, key: string): 'ABORTED' {
    const row = this.s.getLeg.get({ key });
    if (row === undefined) {
      // Presumed abort: remember the key so a Prepare that arrives late votes NO.
      this.s.insertLeg.run({
        key,
        txid,
        leg: kind,
        accountNo: null,
        toAccountNo: null,
        amount: null,
        state: 'ABORTED',
        reason: null,
        detail: null,
        now: this.now(),
      });
      return 'ABORTED';
    }
    const state = legState(row);
    if (state === 'ABORTED') return 'ABORTED';
    if (state === 'COMMITTED') throw new LegStateConflict(key, state, 'abort');
    this.apply(key, this.prepared(row), this.s.release, this.s.releaseIncoming);
    this.finish(key, 'ABORTED');
    return 'ABORTED';
  }

  /** Runs `payerStep` on the leg's payer and `payeeStep` on its payee, whichever it has. */
  private apply(
    key: string,
    leg: LegInput,
    payerStep: AccountStatement,
    payeeStep: AccountStatement,
  ): void {
    const { payer, payee } = sidesOf(leg);
    if (payer !== undefined) this.updateAccount(key, payerStep, payer, leg.amount);
    if (payee !== undefined) this.updateAccount(key, payeeStep, payee, leg.amount);
  }

  private prepared(row: LegRow): LegInput {
    if (row.account_no === null || row.amount === null) {
      throw new Internal(`PREPARED leg ${row.key} has no account or amount`);
    }
    return {
      kind: legKind(row),
      txid: row.txid,
      accountNo: row.account_no,
      toAccountNo: row.to_account_no,
      amount: row.amount,
    };
  }

  private updateAccount(
    key: string,
    statement: AccountStatement,
    accountNo: string,
    amount: bigint,
  ): void {
    let changes: number;
    try {
      changes = statement.run({ accountNo, amount }).changes;
    } catch (err) {
      // A CHECK constraint caught a broken invariant (a hold or reservation that was never
      // placed); refuse the step loudly rather than write bad books.
      throw new Internal(`leg ${key}: account ${accountNo} refused the update: ${String(err)}`);
    }
    if (changes !== 1) throw new Internal(`account ${accountNo} vanished during leg ${key}`);
  }

  private finish(key: string, state: 'COMMITTED' | 'ABORTED'): void {
    if (this.s.finishLeg.run({ key, state, now: this.now() }).changes !== 1) {
      throw new Internal(`leg ${key} left PREPARED while being finished`);
    }
  }
}
