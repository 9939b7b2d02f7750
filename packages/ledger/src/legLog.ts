import { INT64_MAX, InvalidArgument } from '@strife/domain';
import type { Now } from './clock';
import { decodeCursor, encodeCursor } from './cursor';
import { toLegRecord } from './rows';
import type { Statements } from './statements';
import type { LegRecord, TransactionPage, TransactionQuery } from './types';
import { assertAccountNo } from './validate';

/** Default and largest page sizes for `list`. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** Reading the participant log: pages for history, PREPARED legs for recovery. */
export class LegLog {
  constructor(
    private readonly s: Statements,
    private readonly now: Now,
  ) {}

  /**
   * Legs newest first, in the order they were first recorded; a leg keeps its place when its
   * state changes, so pages neither repeat nor skip legs while new ones arrive. Presumed-abort
   * tombstones (an Abort for a leg never prepared) name no account and are not listed.
   */
  list(query: TransactionQuery): TransactionPage {
    const limit = query.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidArgument('limit', `must be an integer in 1..${MAX_LIMIT}`);
    }
    const before = query.cursor === undefined ? INT64_MAX : decodeCursor(query.cursor);
    const page = { before, limit: limit + 1 };
    const { accountNo } = query;
    if (accountNo !== undefined) assertAccountNo(accountNo);
    const rows =
      accountNo === undefined
        ? this.s.listAll.all(page)
        : this.s.listByAccount.all({ ...page, accountNo });
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      records: shown.map(toLegRecord),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.seq) : undefined,
    };
  }

  /** The legs of `txid` at this bank, in the order they were recorded (tombstones left out). */
  ofTxid(txid: bigint): LegRecord[] {
    return this.s.byTxid.all({ txid }).map(toLegRecord);
  }

  /** PREPARED legs recorded at or before `now - olderThanMs`, oldest first. */
  inDoubt(olderThanMs: number): LegRecord[] {
    if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
      throw new InvalidArgument('olderThanMs', 'must be a finite number >= 0');
    }
    const cutoff = this.now() - BigInt(Math.trunc(olderThanMs));
    return this.s.preparedSince.all({ cutoff }).map(toLegRecord);
  }
}
