import type Database from 'better-sqlite3';
import {
  formatAmount,
  INT64_MAX,
  Internal,
  LegMismatch,
  LegStateConflict,
  UnknownLeg,
} from '@strife/domain';
import type { Now } from './clock';
import { legName, legState, voteReason, type LegRow } from './rows';
import type { Statements } from './statements';
import type { LegName, LegRequest, Vote, VoteNoReason } from './types';
import {
  assertAccountNo,
  assertBigint,
  assertLeg,
  assertTxid,
  fitsInt64,
  legKey,
} from './validate';

type NoVote = Extract<Vote, { vote: 'NO' }>;

const YES: Vote = { vote: 'YES' };

function no(reason: VoteNoReason, detail: string): NoVote {
  return { vote: 'NO', reason, detail };
}

/**
 * The bank's side of two-phase commit. Each leg key moves through PREPARED → COMMITTED or
 * PREPARED → ABORTED once; every step runs in one SQLite transaction, so a YES vote is never
 * given without a durable PREPARED record and its hold, and a repeat of any step returns the
 * first answer and changes nothing. Guarded by test/prepare.test.ts, test/commitAbort.test.ts
 * and test/properties.test.ts.
 */
export class Participant {
  private readonly prepareTx: (leg: LegName, req: LegRequest, key: string) => Vote;
  private readonly commitTx: (key: string) => 'COMMITTED';
  private readonly abortTx: (txid: bigint, leg: LegName, key: string) => 'ABORTED';

  constructor(
    db: Database.Database,
    private readonly s: Statements,
    private readonly now: Now,
  ) {
    const prepare = db.transaction((leg: LegName, req: LegRequest, key: string) =>
      this.prepareIn(leg, req, key),
    );
    const commit = db.transaction((key: string) => this.commitIn(key));
    const abort = db.transaction((txid: bigint, leg: LegName, key: string) =>
      this.abortIn(txid, leg, key),
    );
    this.prepareTx = (leg, req, key) => prepare.immediate(leg, req, key);
    this.commitTx = (key) => commit.immediate(key);
    this.abortTx = (txid, leg, key) => abort.immediate(txid, leg, key);
  }

  prepare(leg: LegName, req: LegRequest): Vote {
    assertTxid(req.txid);
    assertAccountNo(req.accountNo);
    assertBigint(req.amount, 'amount');
    return this.prepareTx(leg, req, legKey(req.txid, leg));
  }

  commit(txid: bigint, leg: LegName): 'COMMITTED' {
    assertTxid(txid);
    assertLeg(leg);
    return this.commitTx(legKey(txid, leg));
  }

  abort(txid: bigint, leg: LegName): 'ABORTED' {
    assertTxid(txid);
    assertLeg(leg);
    return this.abortTx(txid, leg, legKey(txid, leg));
  }

  private prepareIn(leg: LegName, req: LegRequest, key: string): Vote {
    const existing = this.s.getLeg.get({ key });
    if (existing !== undefined) return this.repeatedVote(existing, req);
    const refusal = this.refusal(leg, req);
    const record = { key, txid: req.txid, leg, accountNo: req.accountNo, now: this.now() };
    if (refusal !== undefined) {
      // An amount outside int64 cannot be stored; its NO is a pure function of the request, so
      // a repeat still gets the same answer without a record.
      if (fitsInt64(req.amount)) {
        this.s.insertLeg.run({
          ...record,
          amount: req.amount,
          state: 'ABORTED',
          reason: refusal.reason,
          detail: refusal.detail,
        });
      }
      return refusal;
    }
    this.s.insertLeg.run({
      ...record,
      amount: req.amount,
      state: 'PREPARED',
      reason: null,
      detail: null,
    });
    if (leg === 'debit') this.updateAccount(this.s.hold, req.accountNo, req.amount);
    return YES;
  }

  /** The first answer for a key, provided the request is the same one. */
  private repeatedVote(row: LegRow, req: LegRequest): Vote {
    if (row.account_no === null) {
      return no('ALREADY_ABORTED', `leg ${row.key} was aborted before it was prepared`);
    }
    if (row.account_no !== req.accountNo) throw new LegMismatch(row.key, 'accountNo');
    if (row.amount !== req.amount) throw new LegMismatch(row.key, 'amount');
    const reason = voteReason(row);
    return reason === undefined ? YES : no(reason, row.vote_detail ?? '');
  }

  /** Why this new leg must be refused, or `undefined` to vote YES. */
  private refusal(leg: LegName, req: LegRequest): NoVote | undefined {
    const { accountNo, amount } = req;
    if (amount <= 0n || amount > INT64_MAX) {
      return no('INVALID_AMOUNT', `amount ${amount} is not in 1..${INT64_MAX} minor units`);
    }
    const account = this.s.getAccount.get({ accountNo });
    if (account === undefined) return no('UNKNOWN_ACCOUNT', `no account ${accountNo}`);
    if (account.open !== 1n) return no('ACCOUNT_CLOSED', `account ${accountNo} is closed`);
    if (leg === 'debit') {
      const available = account.balance - account.held;
      if (available < amount) {
        return no(
          'INSUFFICIENT_FUNDS',
          `account ${accountNo} has ${formatAmount(available)} available, ${formatAmount(amount)} requested`,
        );
      }
    } else if (account.balance + amount > INT64_MAX) {
      return no('INVALID_AMOUNT', `crediting ${amount} would overflow account ${accountNo}`);
    }
    return undefined;
  }

  private commitIn(key: string): 'COMMITTED' {
    const row = this.s.getLeg.get({ key });
    if (row === undefined) throw new UnknownLeg(key);
    const state = legState(row);
    if (state === 'COMMITTED') return 'COMMITTED';
    if (state === 'ABORTED') throw new LegStateConflict(key, state, 'commit');
    const { accountNo, amount } = this.preparedParts(row);
    const account = this.s.getAccount.get({ accountNo });
    if (account === undefined) throw new Internal(`leg ${key} names missing account ${accountNo}`);
    if (legName(row) === 'debit') {
      if (account.held < amount) {
        throw new Internal(`leg ${key}: account ${accountNo} holds less than ${amount}`);
      }
      this.updateAccount(this.s.applyDebit, accountNo, amount);
    } else {
      if (account.balance + amount > INT64_MAX) {
        throw new Internal(`leg ${key}: crediting ${amount} would overflow account ${accountNo}`);
      }
      this.updateAccount(this.s.applyCredit, accountNo, amount);
    }
    this.finish(key, 'COMMITTED');
    return 'COMMITTED';
  }

  private abortIn(txid: bigint, leg: LegName, key: string): 'ABORTED' {
    const row = this.s.getLeg.get({ key });
    if (row === undefined) {
      // Presumed abort: remember the key so a Prepare that arrives late votes NO.
      this.s.insertLeg.run({
        key,
        txid,
        leg,
        accountNo: null,
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
    const { accountNo, amount } = this.preparedParts(row);
    if (legName(row) === 'debit') this.updateAccount(this.s.release, accountNo, amount);
    this.finish(key, 'ABORTED');
    return 'ABORTED';
  }

  private preparedParts(row: LegRow): { accountNo: string; amount: bigint } {
    if (row.account_no === null || row.amount === null) {
      throw new Internal(`PREPARED leg ${row.key} has no account or amount`);
    }
    return { accountNo: row.account_no, amount: row.amount };
  }

  private updateAccount(statement: Statements['hold'], accountNo: string, amount: bigint): void {
    if (statement.run({ accountNo, amount }).changes !== 1) {
      throw new Internal(`account ${accountNo} vanished during a leg update`);
    }
  }

  private finish(key: string, state: 'COMMITTED' | 'ABORTED'): void {
    if (this.s.finishLeg.run({ key, state, now: this.now() }).changes !== 1) {
      throw new Internal(`leg ${key} left PREPARED while being finished`);
    }
  }
}
