import { INT64_MAX } from '@strife/domain';
import {
  BankServiceDefinition,
  CoordinatorServiceDefinition,
  GatewayServiceDefinition,
  type LegOperation,
  type LegOperationResult,
  LegState,
  type Payment,
  PaymentStatus,
  TxIdServiceDefinition,
  Vote,
  VoteNoReason,
} from '@strife/protocol';
import { HealthDefinition } from '@strife/runtime';
import fc from 'fast-check';
import { Status } from 'nice-grpc';
import {
  accountNo,
  amount,
  anyTxid,
  bank,
  field,
  type FuzzWorld,
  gatewayTxids,
  HUGE_TEXT,
  idempotencyKey,
  junkText,
  leg,
  legOperations,
  message,
  name,
  ownAccount,
  pageToken,
  password,
  payee,
  type TxidFields,
  uint32,
  username,
} from './arbitraries';
import { LEG_OPERATION_ERRORS, type OperationKind, type ServerKind } from './policy';

/** A ts-proto message type, as far as the fuzzer uses it. */
interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/** Where the fuzzer reports what OK answers told it. */
export interface Observer {
  /** A payment the gateway answered for, as it answered. */
  payment(payment: Payment): void;
}

/** One RPC as the fuzzer drives it; requests and answers are handled encoded. */
export interface Rpc {
  /** `Service/Method`, e.g. `BankService/Commit`. */
  readonly name: string;
  /** `/package.Service/Method`. */
  readonly path: string;
  readonly service: string;
  readonly server: ServerKind;
  /**
   * Which session tokens go in its `authorization` metadata: `fuzz` (seeded users' live
   * sessions, never logged out), `logout` (sessions that may be revoked), or none.
   */
  readonly sessions: 'fuzz' | 'logout' | 'none';
  /** Generated requests, encoded, for a caller the server admits (`admitted`) or refuses. */
  requests(world: FuzzWorld, admitted: boolean): fc.Arbitrary<Uint8Array>;
  /** Decodes a request as the server does; throws where the server's decoder throws. */
  decodeRequest(bytes: Uint8Array): unknown;
  /**
   * Whether a request (decoded from raw bytes) is one the admitted caller may send without
   * moving money or touching another party's legs. Raw bytes that are not are never sent.
   */
  safe(bytes: Uint8Array, world: FuzzWorld): boolean;
  /** Problems with an OK answer to `request` (`[]` when none); reports payments to `observer`. */
  checkAnswer(request: Uint8Array, answer: Uint8Array, observer: Observer): string[];
  /**
   * Requests with one string field set to a mebibyte of text (one per field), and one with a
   * mebibyte-long unknown field, which every decoder must skip.
   */
  oversized(world: FuzzWorld, admitted: boolean, seed: number): Uint8Array[];
}

interface RpcSpec<Req, Res> {
  readonly service: { readonly name: string; readonly fullName: string };
  readonly method: {
    readonly name: string;
    readonly requestType: Codec<Req>;
    readonly responseType: Codec<Res>;
  };
  readonly server: ServerKind;
  readonly sessions?: 'fuzz' | 'logout';
  readonly request: (world: FuzzWorld, admitted: boolean) => fc.Arbitrary<Req>;
  readonly safe?: (request: Req, world: FuzzWorld) => boolean;
  readonly check?: (request: Req, response: Res, observer: Observer) => string[];
}

function rpc<Req, Res>(spec: RpcSpec<Req, Res>): Rpc {
  const { requestType, responseType } = spec.method;
  return {
    name: `${spec.service.name}/${spec.method.name}`,
    path: `/${spec.service.fullName}/${spec.method.name}`,
    service: spec.service.fullName,
    server: spec.server,
    sessions: spec.sessions ?? 'none',
    requests: (world, admitted) =>
      spec.request(world, admitted).map((message) => requestType.encode(message).finish()),
    decodeRequest: (bytes) => requestType.decode(bytes),
    safe(bytes, world) {
      if (!spec.safe) return true;
      let request: Req;
      try {
        request = requestType.decode(bytes);
      } catch {
        return true; // the server cannot decode it either: it never reaches a handler
      }
      return spec.safe(request, world);
    },
    checkAnswer(request, answer, observer) {
      let response: Res;
      try {
        response = responseType.decode(answer);
      } catch (err) {
        return [`the OK answer does not decode: ${String(err)}`];
      }
      const long = longestString(response);
      return [
        ...(long > MAX_ANSWER_TEXT ? [`the OK answer carries a ${long}-byte string`] : []),
        ...(spec.check?.(requestType.decode(request), response, observer) ?? []),
      ];
    },
    oversized(world, admitted, seed) {
      const samples = fc.sample(spec.request(world, admitted), { seed, numRuns: 8 });
      const variants = new Map<string, Uint8Array>();
      for (const sample of samples) {
        for (const path of stringPaths(sample)) {
          const shape = path.map((p) => (typeof p === 'number' ? '#' : p)).join('.');
          if (variants.size < MAX_OVERSIZED && !variants.has(shape)) {
            variants.set(shape, requestType.encode(withText(sample, path, HUGE_TEXT)).finish());
          }
        }
      }
      const [first] = samples;
      const base = first === undefined ? new Uint8Array() : requestType.encode(first).finish();
      return [...variants.values(), withUnknownField(base, HUGE_TEXT.length)];
    },
  };
}

/** Longest string an answer may carry: answers never echo oversized input back. */
export const MAX_ANSWER_TEXT = 1024;
/** Oversized variants per RPC: one per string field, at most this many. */
const MAX_OVERSIZED = 4;

type Path = readonly (string | number)[];

/** The paths of every string inside `value` (objects and arrays, any depth). */
function stringPaths(value: unknown, path: Path = []): Path[] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  }
  return [];
}

/** A copy of `value` with the string at `path` replaced by `text`. */
function withText<T>(value: T, path: Path, text: string): T {
  const copy = structuredClone(value);
  let at: unknown = copy;
  path.forEach((key, i) => {
    const holder = at as Record<string | number, unknown>;
    if (i === path.length - 1) holder[key] = text;
    else at = holder[key];
  });
  return copy;
}

/** `message` with an unknown length-delimited field (number 15) of `size` bytes appended. */
export function withUnknownField(message: Uint8Array, size: number): Uint8Array {
  const length: number[] = [];
  for (let n = size; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      length.push(n);
      break;
    }
    length.push((n % 128) | 128);
  }
  const field = new Uint8Array(1 + length.length + size).fill(0x61);
  field.set([(15 << 3) | 2, ...length]);
  return Buffer.concat([message, field]);
}

/** The longest string (in UTF-8 bytes) anywhere inside `value`. */
function longestString(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Array.isArray(value)) return Math.max(0, ...value.map(longestString));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Math.max(0, ...Object.values(value).map(longestString));
  }
  return 0;
}

/** A txid no bank will ever accept: 0 or past int64. */
const refused = (txid: bigint): boolean => txid <= 0n || txid > INT64_MAX;
const within = (txid: bigint, ...pools: (readonly bigint[])[]): boolean =>
  refused(txid) || pools.some((p) => p.includes(txid));

function safeOperation(op: LegOperation, world: FuzzWorld): boolean {
  const { live, settled, fresh } = world.txids;
  return (
    [op.prepareDebit, op.prepareCredit, op.prepareTransfer].every(
      (p) => p === undefined || within(p.txid, live, settled),
    ) &&
    (op.commit === undefined || within(op.commit.txid, settled, fresh)) &&
    (op.abort === undefined || within(op.abort.txid, live, settled, fresh))
  );
}

/** The kind of operation a bank runs for `op`: the first one set, in the order it checks them. */
function kindOf(op: LegOperation): OperationKind {
  if (op.prepareDebit) return 'prepareDebit';
  if (op.prepareCredit) return 'prepareCredit';
  if (op.prepareTransfer) return 'prepareTransfer';
  if (op.commit) return 'commit';
  if (op.abort) return 'abort';
  return 'none';
}

function checkVote(vote: { vote: Vote; reason: VoteNoReason }): string[] {
  if (vote.vote === Vote.VOTE_YES) return [];
  if (vote.vote === Vote.VOTE_NO && vote.reason !== VoteNoReason.VOTE_NO_REASON_UNSPECIFIED) {
    return [];
  }
  return [`a vote that is neither YES nor NO with a reason: ${vote.vote}/${vote.reason}`];
}

/**
 * Every commit the fuzzer sends names a leg that was aborted before or never prepared, or a txid
 * no bank accepts: one that succeeds moved money nobody decided to move.
 */
const COMMITTED_UNPREPARED = 'a Commit of a leg that was aborted or never prepared succeeded';

function checkResult(op: LegOperation, result: LegOperationResult | undefined): string[] {
  const kind = kindOf(op);
  if (result === undefined) return ['an operation got no result'];
  if (result.error) {
    const { code } = result.error;
    const documented: readonly number[] = LEG_OPERATION_ERRORS[kind];
    return documented.includes(code)
      ? []
      : [`${kind} failed with ${Status[code] ?? code}, not one of its documented codes`];
  }
  if (kind === 'none') return ['an operation naming none of its kinds succeeded'];
  if (kind === 'commit') return [COMMITTED_UNPREPARED];
  const answer = result[kind];
  if (answer === undefined) return [`a ${kind} operation got another kind of answer`];
  if ('vote' in answer) return checkVote(answer);
  return answer.state === LegState.LEG_STATE_ABORTED
    ? []
    : ['an Abort answered a state other than ABORTED'];
}

/** The gateway's txids for the admitted caller, any txid for the others. */
function txidsFor(world: FuzzWorld, admitted: boolean): TxidFields {
  if (admitted) return gatewayTxids(world);
  const txid = anyTxid(world);
  return { prepare: txid, commit: txid, abort: txid };
}

/** Every RPC of every Strife service. Health is on every server and listed per server kind. */
export const RPCS: readonly Rpc[] = [
  rpc({
    service: GatewayServiceDefinition,
    method: GatewayServiceDefinition.methods.register,
    server: 'gateway',
    sessions: 'fuzz',
    request: () => message({ username, password, bank, initialDeposit: amount }),
  }),
  rpc({
    service: GatewayServiceDefinition,
    method: GatewayServiceDefinition.methods.login,
    server: 'gateway',
    request: () => message({ username, password }),
  }),
  rpc({
    service: GatewayServiceDefinition,
    method: GatewayServiceDefinition.methods.logout,
    server: 'gateway',
    sessions: 'logout',
    request: () => fc.constant({}),
  }),
  rpc({
    service: GatewayServiceDefinition,
    method: GatewayServiceDefinition.methods.getBalance,
    server: 'gateway',
    sessions: 'fuzz',
    request: () => message({ account: ownAccount }),
  }),
  rpc({
    service: GatewayServiceDefinition,
    method: GatewayServiceDefinition.methods.pay,
    server: 'gateway',
    sessions: 'fuzz',
    request: (world) =>
      message({ idempotencyKey: idempotencyKey(world), to: payee, amount, from: ownAccount }),
    check: (_request, { payment }, observer) => {
      if (!payment) return ['an OK Pay without a payment'];
      observer.payment(payment);
      const decided = [
        PaymentStatus.PAYMENT_STATUS_COMMITTED,
        PaymentStatus.PAYMENT_STATUS_ABORTED,
      ];
      return decided.includes(payment.status)
        ? []
        : [`Pay answered a payment that is not decided: status ${payment.status}`];
    },
  }),
  rpc({
    service: GatewayServiceDefinition,
    method: GatewayServiceDefinition.methods.getPayment,
    server: 'gateway',
    sessions: 'fuzz',
    request: (world) => message({ idempotencyKey: idempotencyKey(world) }),
  }),
  rpc({
    service: GatewayServiceDefinition,
    method: GatewayServiceDefinition.methods.listPayments,
    server: 'gateway',
    sessions: 'fuzz',
    request: () => message({ pageSize: uint32(fc.integer({ min: 0, max: 100 })), pageToken }),
  }),
  rpc({
    service: CoordinatorServiceDefinition,
    method: CoordinatorServiceDefinition.methods.resolveTransaction,
    server: 'gateway',
    request: (world) => message({ txid: anyTxid(world) }),
  }),
  rpc({
    service: BankServiceDefinition,
    method: BankServiceDefinition.methods.openAccount,
    server: 'bank',
    request: () =>
      message({
        requestId: name(fc.oneof(fc.uuid(), fc.constantFrom('fuzz-req-1', 'fuzz-req-2'))),
        holder: name(fc.constantFrom('Alice', 'Fuzz Holder', 'Ōkawa Ünal')),
        initialDeposit: amount,
      }),
  }),
  rpc({
    service: BankServiceDefinition,
    method: BankServiceDefinition.methods.getAccount,
    server: 'bank',
    request: () => message({ accountNo }),
    check: (_request, { account }) => (account ? [] : ['an OK GetAccount without an account']),
  }),
  rpc({
    service: BankServiceDefinition,
    method: BankServiceDefinition.methods.prepareDebit,
    server: 'bank',
    request: (world, admitted) =>
      message({ txid: txidsFor(world, admitted).prepare, accountNo, amount }),
    safe: ({ txid }, { txids }) => within(txid, txids.live, txids.settled),
    check: (_request, vote) => checkVote(vote),
  }),
  rpc({
    service: BankServiceDefinition,
    method: BankServiceDefinition.methods.prepareCredit,
    server: 'bank',
    request: (world, admitted) =>
      message({ txid: txidsFor(world, admitted).prepare, accountNo, amount }),
    safe: ({ txid }, { txids }) => within(txid, txids.live, txids.settled),
    check: (_request, vote) => checkVote(vote),
  }),
  rpc({
    service: BankServiceDefinition,
    method: BankServiceDefinition.methods.commit,
    server: 'bank',
    request: (world, admitted) => message({ txid: txidsFor(world, admitted).commit, leg }),
    safe: ({ txid }, { txids }) => within(txid, txids.settled, txids.fresh),
    check: () => [COMMITTED_UNPREPARED],
  }),
  rpc({
    service: BankServiceDefinition,
    method: BankServiceDefinition.methods.abort,
    server: 'bank',
    request: (world, admitted) => message({ txid: txidsFor(world, admitted).abort, leg }),
    safe: ({ txid }, { txids }) => within(txid, txids.live, txids.settled, txids.fresh),
    check: (_request, { state }) =>
      state === LegState.LEG_STATE_ABORTED ? [] : ['an Abort answered a state other than ABORTED'],
  }),
  rpc({
    service: BankServiceDefinition,
    method: BankServiceDefinition.methods.applyLegs,
    server: 'bank',
    request: (world, admitted) =>
      fc.record({ operations: legOperations(txidsFor(world, admitted)) }),
    safe: ({ operations }, world) => operations.every((op) => safeOperation(op, world)),
    check: ({ operations }, { results }) => {
      if (results.length !== operations.length) {
        return [`${operations.length} operations got ${results.length} results`];
      }
      return [...new Set(operations.flatMap((op, i) => checkResult(op, results[i])))];
    },
  }),
  rpc({
    service: BankServiceDefinition,
    method: BankServiceDefinition.methods.listTransactions,
    server: 'bank',
    request: () =>
      message({
        accountNo: field(fc.constant(''), accountNo.good, accountNo.any),
        pageSize: uint32(fc.integer({ min: 0, max: 100 })),
        pageToken,
      }),
  }),
  rpc({
    service: TxIdServiceDefinition,
    method: TxIdServiceDefinition.methods.lease,
    server: 'txid',
    request: () => message({ count: uint32(fc.integer({ min: 1, max: 1000 })) }),
    check: ({ count }, block) =>
      block.count === count && block.first > 0n
        ? []
        : [`asked for ${count} ids, got ${block.count}`],
  }),
  ...(['gateway', 'bank', 'txid'] as const).map((server) =>
    rpc({
      service: HealthDefinition,
      method: HealthDefinition.methods.check,
      server,
      request: () =>
        message({
          service: field(
            fc.constantFrom('', 'grpc.health.v1.Health'),
            fc.constantFrom(
              'strife.v1.BankService',
              'strife.v1.GatewayService',
              'strife.v1.TxIdService',
              'nope',
            ),
            junkText,
          ),
        }),
    }),
  ),
];
