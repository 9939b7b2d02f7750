import { INT64_MAX, MAX_BALANCE, MAX_LEG_OPERATIONS } from '@strife/domain';
import type { LegOperation } from '@strife/protocol';
import fc from 'fast-check';

/**
 * Field values for the fuzzer. Each field has `good` values (seeded accounts and users, live
 * txids, small amounts: what a correct caller sends) and `any` values, which mix the good ones
 * with odd ones (limits either side, unknown accounts, enum numbers nobody defined, int64 edges)
 * and junk (any unicode, control characters, long and mebibyte-long text). A message is all good
 * a third of the time, so the paths past validation (a YES vote, a committed payment) are
 * reached too, and field by field `any` otherwise.
 */

export const INT64_MIN = -INT64_MAX - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;
const UINT32_MAX = 2 ** 32 - 1;
const INT32_MAX = 2 ** 31 - 1;

/** One mebibyte and more of text with multi-byte characters, newlines, quotes and `%` in it. */
export const HUGE_TEXT = 'x€😀%\n"\\'.repeat(Math.ceil((1 << 20) / 14));

/** Texts past every length limit, prebuilt so sampling stays cheap. */
const LONG_TEXTS = [
  'a'.repeat(201),
  '9'.repeat(1025),
  'é'.repeat(5000),
  '😀'.repeat(20_000),
  '%'.repeat(70_000),
  HUGE_TEXT,
] as const;

/** Anything: unicode of every plane, control characters, injection attempts, long and huge text. */
export const junkText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-composite', maxLength: 300 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '%00%ff',
      '\r\n',
      '"',
      "'; DROP TABLE accounts; --",
      '../../etc/passwd',
      '\u202e1001',
      '１００１',
      'null',
      '-0',
      '1e30',
      '0x10',
      '\ud800',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...LONG_TEXTS) },
);

/** A field's values: what a correct caller sends, and anything at all (the good ones included). */
export interface Field<T> {
  readonly good: fc.Arbitrary<T>;
  readonly any: fc.Arbitrary<T>;
}

/** A field whose `any` is good, odd and junk values in equal parts. */
export function field<T>(
  good: fc.Arbitrary<T>,
  odd: fc.Arbitrary<T>,
  junk: fc.Arbitrary<T>,
): Field<T> {
  return { good, any: fc.oneof(good, odd, junk) };
}

/** A text field: `good` and `odd` values, and junk text. */
function text(good: fc.Arbitrary<string>, odd: fc.Arbitrary<string>): Field<string> {
  return field(good, odd, junkText);
}

/** Messages built from `fields`: all good a third of the time, else each field anything. */
export function message<T extends object>(fields: {
  readonly [K in keyof T]: Field<T[K]>;
}): fc.Arbitrary<T> {
  const entries = Object.entries<Field<unknown>>(fields);
  const record = (which: keyof Field<unknown>) =>
    fc.record(Object.fromEntries(entries.map(([k, f]) => [k, f[which]]))) as fc.Arbitrary<T>;
  return fc.oneof(
    { weight: 1, arbitrary: record('good') },
    { weight: 2, arbitrary: record('any') },
  );
}

/** Account numbers: seeded; then ones the fuzzer may open, unknown and almost-numbers; junk. */
export const accountNo = text(
  fc.constantFrom('1001', '1002', '2001', '2002'),
  fc.constantFrom(
    '1003',
    '2003',
    '9999999',
    '0',
    '00001001',
    '99999999999999999999',
    '123456789012345678901',
    '-1',
    '1001 ',
    '',
  ),
);

const SEEDED_PAYEES = ['ICICI:1001', 'ICICI:1002', 'SBI:2001', 'SBI:2002'] as const;

/**
 * Payees as `BANK:ACCOUNT_NO`: seeded accounts, unknown and malformed ones. Never an account the
 * fuzzer itself may have opened, so every committed payment stays between seeded accounts.
 */
export const payee = field(
  fc.constantFrom(...SEEDED_PAYEES),
  fc.constantFrom(
    'SBI:9999999',
    'ICICI:0',
    'HDFC:1001',
    'sbi:2001',
    'SBI:2001:1',
    'SBI:',
    ':2001',
    'SBI: 2001',
    ' SBI:2001',
    'SBI:１',
    '',
  ),
  fc.oneof(
    junkText,
    fc.tuple(fc.constantFrom('SBI', 'ICICI'), junkText).map(([b, a]) => `${b}:${a}`),
  ),
);

/** An optional account (`from`, GetBalance's `account`): empty is the caller's own. */
export const ownAccount = field(fc.constant(''), payee.good, payee.any);

/** int64 minor units: small payments; zero, negative, MAX_BALANCE either side; all of int64. */
export const amount = field(
  fc.oneof(fc.constantFrom(1n, 100n), fc.bigInt({ min: 1n, max: 5_000n })),
  fc.constantFrom(
    0n,
    -1n,
    10_000_000n,
    MAX_BALANCE,
    MAX_BALANCE + 1n,
    INT64_MAX,
    INT64_MIN,
    INT64_MIN + 1n,
  ),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
);

/** A uint32 count or page size: `good` values, then every edge the services name, then any. */
export function uint32(good: fc.Arbitrary<number>): Field<number> {
  return field(
    good,
    fc.constantFrom(0, 1, 1000, 1001, 100_000, 100_001, INT32_MAX, UINT32_MAX),
    fc.nat({ max: UINT32_MAX }),
  );
}

/** A `Leg`: debit, credit, transfer; then UNSPECIFIED, undefined and negative numbers. */
export const leg = field(
  fc.constantFrom(1, 2, 3),
  fc.constantFrom(0, 4, 5, 9, -1, INT32_MAX, -INT32_MAX - 1),
  fc.integer({ min: -INT32_MAX - 1, max: INT32_MAX }),
);

/** txids a bank refuses whatever their state: zero and everything past int64. */
const invalidTxid: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(0n, INT64_MAX + 1n, UINT64_MAX),
  fc.bigInt({ min: INT64_MAX + 1n, max: UINT64_MAX }),
);

/**
 * The txids the gateway identity may use at the banks: leased for the fuzzer from the TxId
 * service, so no gateway ever uses them. `live` may be prepared (never committed), `settled` legs
 * were aborted before the fuzzing, `fresh` are never prepared. At the end every leg of all of
 * them is aborted, so nothing sent with them can move money.
 */
export interface FuzzTxids {
  readonly live: readonly bigint[];
  readonly settled: readonly bigint[];
  readonly fresh: readonly bigint[];
}

/** What the fuzzer knows about the running cluster when it starts. */
export interface FuzzWorld {
  /** Session tokens of seeded users, for fuzzed gateway calls; nothing fuzzed logs them out. */
  readonly sessions: readonly string[];
  /** Session tokens that fuzzed Logout calls use (and revoke). */
  readonly logoutSessions: readonly string[];
  readonly revokedSession: string;
  /** A payment made before the fuzzing, by alice: its key and txid. */
  readonly knownKey: string;
  readonly knownTxid: bigint;
  readonly txids: FuzzTxids;
}

function pool(values: readonly bigint[]): fc.Arbitrary<bigint> {
  return fc.constantFrom(...values);
}

/** txids for each 2PC operation. */
export interface TxidFields {
  readonly prepare: Field<bigint>;
  readonly commit: Field<bigint>;
  readonly abort: Field<bigint>;
}

/**
 * txids for a caller the banks obey (the gateway identity): Prepare with live or settled ones,
 * Commit only settled or fresh ones, Abort any of the fuzzer's; and txids no bank accepts.
 */
export function gatewayTxids(world: FuzzWorld): TxidFields {
  const { live, settled, fresh } = world.txids;
  return {
    prepare: field(pool(live), pool(settled), invalidTxid),
    commit: field(pool([...settled, ...fresh]), pool(fresh), invalidTxid),
    abort: field(pool(live), pool([...settled, ...fresh]), invalidTxid),
  };
}

/** Any txid: the ones in use by the gateway and near them, the fuzzer's, edges, random. */
export function anyTxid(world: FuzzWorld): Field<bigint> {
  const { live, settled, fresh } = world.txids;
  const known = world.knownTxid;
  return field(
    pool([known, known - 1n, known + 1n, 1n, 2n, ...live]),
    fc.oneof(pool([1000n, 1001n, ...settled, ...fresh]), invalidTxid),
    fc.bigInt({ min: 0n, max: UINT64_MAX }),
  );
}

/** Idempotency keys: fresh, reused and known ones; limits either side; junk. */
export function idempotencyKey(world: FuzzWorld): Field<string> {
  return text(
    fc.oneof(fc.uuid(), fc.constantFrom(world.knownKey, 'fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3')),
    fc.constantFrom('k'.repeat(255), 'k'.repeat(256), 'key with space', 'ключ', ''),
  );
}

export const username = text(
  fc.oneof(
    fc.constantFrom('alice', 'bob', 'carol', 'dave'),
    fc.stringMatching(/^[a-z][a-z0-9_.-]{2,31}$/),
  ),
  fc.constantFrom('ALICE', 'al', 'a'.repeat(33), 'alice ', 'alice\u0000'),
);

export const password = text(
  fc.oneof(
    fc.constantFrom('alice-pass-1', 'bob-pass-1'),
    fc.string({ unit: 'grapheme', minLength: 8, maxLength: 40 }),
  ),
  fc.constantFrom('short', 'p'.repeat(128), 'p'.repeat(129), ''),
);

export const bank = text(
  fc.constantFrom('ICICI', 'SBI'),
  fc.constantFrom('HDFC', 'icici', 'SBI ', ''),
);

/** A page token: none, then things that look like one, then junk. */
export const pageToken = text(
  fc.constant(''),
  fc.constantFrom('0', '1', '01', '1000', '9223372036854775807', '9223372036854775808', 'MTA='),
);

/** Free text a caller names things with (a holder, a request id). */
export function name(good: fc.Arbitrary<string>): Field<string> {
  return text(good, fc.constantFrom('', '   ', '\u0000', 'a\u0000b', 'x'.repeat(201)));
}

/** One ApplyLegs operation of every kind, including none at all. */
export function legOperation(txids: TxidFields): fc.Arbitrary<LegOperation> {
  const leg2pc = { txid: txids.prepare, accountNo, amount };
  const transfer = {
    txid: txids.prepare,
    fromAccountNo: accountNo,
    toAccountNo: accountNo,
    amount,
  };
  const requestId = name(fc.oneof(fc.constant(''), fc.uuid())).any;
  const operation = fc.oneof(
    message(leg2pc).map((prepareDebit) => ({ prepareDebit })),
    message(leg2pc).map((prepareCredit) => ({ prepareCredit })),
    message(transfer).map((prepareTransfer) => ({ prepareTransfer })),
    message({ txid: txids.commit, leg }).map((commit) => ({ commit })),
    message({ txid: txids.abort, leg }).map((abort) => ({ abort })),
    fc.constant({}),
  );
  return fc.tuple(operation, requestId).map(([op, id]) => ({ ...op, requestId: id }));
}

/** Operation lists: short ones mostly, sometimes a few hundred, sometimes one past the limit. */
export function legOperations(txids: TxidFields): fc.Arbitrary<LegOperation[]> {
  const one = legOperation(txids);
  return fc.oneof(
    { weight: 12, arbitrary: fc.array(one, { maxLength: 8 }) },
    { weight: 1, arbitrary: fc.array(one, { minLength: 100, maxLength: 300 }) },
    {
      weight: 1,
      arbitrary: txids.abort.any.map((txid) =>
        Array.from({ length: MAX_LEG_OPERATIONS + 1 }, () => ({
          abort: { txid, leg: 1 },
          requestId: '',
        })),
      ),
    },
  );
}

/** Authorization metadata: a live session most of the time, else none, a revoked one or junk. */
export function authorization(
  tokens: readonly string[],
  world: FuzzWorld,
): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...tokens).map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${world.revokedSession}`) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(
          '',
          'Bearer',
          'Bearer ',
          'bearer x',
          'Basic YWxpY2U6eA==',
          `Bearer ${'A'.repeat(257)}`,
        ),
        fc.string({ unit: 'grapheme-ascii', maxLength: 2000 }).map((s) => `Bearer ${s}`),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,256}$/).map((s) => `Bearer ${s}`),
      ),
    },
  );
}

/** Random bytes, short or a few kB, as a request body. */
export const randomBody: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 64, maxLength: 8192 }) },
);

/** `bytes` with a few bytes flipped, dropped or inserted, or cut short: almost a valid message. */
export function mutated(bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({
    at: fc.nat(),
    op: fc.constantFrom('flip', 'drop', 'insert', 'cut'),
    byte: fc.integer({ min: 0, max: 255 }),
  });
  return fc.tuple(bytes, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([original, edits]) =>
    edits.reduce((out, { at, op, byte }) => {
      const i = out.length === 0 ? 0 : at % out.length;
      const splice = (drop: number, insert: number[]): Uint8Array =>
        Buffer.concat([out.subarray(0, i), Uint8Array.from(insert), out.subarray(i + drop)]);
      if (op === 'flip') return splice(1, [byte]);
      if (op === 'drop') return splice(1, []);
      if (op === 'insert') return splice(0, [byte]);
      return out.subarray(0, i);
    }, original),
  );
}
