import { Status } from 'nice-grpc';

/** The identities of a test cluster, by certificate name, and the role each one's certificate carries. */
export const IDENTITIES = {
  client: 'client',
  gateway: 'gateway',
  'bank-ICICI': 'bank',
  'bank-SBI': 'bank',
  txid: 'txid',
  monitor: 'monitor',
} as const;

export type Identity = keyof typeof IDENTITIES;
export type Role = (typeof IDENTITIES)[Identity];

/** The kinds of server in a cluster; `bank` is every bank. */
export type ServerKind = 'gateway' | 'bank' | 'txid';

/**
 * Who may call whom, as docs/architecture.md states it and each app's `createStrifeServer` policy
 * sets it: the service's roles, and on every server `grpc.health.v1.Health` for those roles and
 * `monitor`. Anything else is PERMISSION_DENIED from the peer-policy interceptor.
 */
const POLICY: Readonly<Record<ServerKind, Readonly<Record<string, readonly Role[]>>>> = {
  gateway: { 'strife.v1.GatewayService': ['client'], 'strife.v1.CoordinatorService': ['bank'] },
  bank: { 'strife.v1.BankService': ['gateway'] },
  txid: { 'strife.v1.TxIdService': ['gateway'] },
};

export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** Whether `identity` may call `service` on a server of kind `server`. */
export function admits(server: ServerKind, service: string, identity: Identity): boolean {
  const role = IDENTITIES[identity];
  const policy = POLICY[server];
  if (service === HEALTH_SERVICE)
    return role === 'monitor' || Object.values(policy).flat().includes(role);
  return policy[service]?.includes(role) ?? false;
}

/**
 * The statuses each RPC may answer a caller it admits, from the proto comments, the docs and the
 * domain's one error table (`STATUS_BY_CODE`): what a handler throws on bad input, a refusal or a
 * dependency that is down. Never UNKNOWN, never INTERNAL, never DEADLINE_EXCEEDED (every call is
 * local and must answer well within the fuzz deadline). A caller the policy does not admit gets
 * PERMISSION_DENIED and nothing else, whatever it sends.
 */
export const DOCUMENTED: Readonly<Record<string, readonly Status[]>> = {
  'grpc.health.v1.Health/Check': [Status.OK, Status.NOT_FOUND],
  // UNAVAILABLE: the bank that opens the account is down (DependencyUnavailable).
  'strife.v1.GatewayService/Register': [
    Status.OK,
    Status.INVALID_ARGUMENT,
    Status.ALREADY_EXISTS,
    Status.UNAVAILABLE,
  ],
  // A bad name or password is UNAUTHENTICATED (it never says which); the throttle RESOURCE_EXHAUSTED.
  'strife.v1.GatewayService/Login': [Status.OK, Status.UNAUTHENTICATED, Status.RESOURCE_EXHAUSTED],
  'strife.v1.GatewayService/Logout': [Status.OK, Status.UNAUTHENTICATED],
  'strife.v1.GatewayService/GetBalance': [
    Status.OK,
    Status.UNAUTHENTICATED,
    Status.INVALID_ARGUMENT,
    Status.PERMISSION_DENIED,
    Status.UNAVAILABLE,
  ],
  // ABORTED: the same key is still in flight; FAILED_PRECONDITION: the key's record expired;
  // UNAVAILABLE: no txid could be leased. A payment that is declined is an OK answer, ABORTED.
  'strife.v1.GatewayService/Pay': [
    Status.OK,
    Status.UNAUTHENTICATED,
    Status.INVALID_ARGUMENT,
    Status.PERMISSION_DENIED,
    Status.ABORTED,
    Status.FAILED_PRECONDITION,
    Status.UNAVAILABLE,
  ],
  'strife.v1.GatewayService/GetPayment': [
    Status.OK,
    Status.UNAUTHENTICATED,
    Status.INVALID_ARGUMENT,
    Status.NOT_FOUND,
    Status.FAILED_PRECONDITION,
  ],
  'strife.v1.GatewayService/ListPayments': [
    Status.OK,
    Status.UNAUTHENTICATED,
    Status.INVALID_ARGUMENT,
  ],
  // PERMISSION_DENIED: the asking bank takes no part in that transaction.
  'strife.v1.CoordinatorService/ResolveTransaction': [
    Status.OK,
    Status.INVALID_ARGUMENT,
    Status.PERMISSION_DENIED,
  ],
  // A reused request_id with other fields is IdempotencyKeyReused, INVALID_ARGUMENT.
  'strife.v1.BankService/OpenAccount': [Status.OK, Status.INVALID_ARGUMENT],
  'strife.v1.BankService/GetAccount': [Status.OK, Status.INVALID_ARGUMENT, Status.NOT_FOUND],
  // A refusal is a NO vote in an OK answer; a leg key reused with other fields is LegMismatch.
  'strife.v1.BankService/PrepareDebit': [Status.OK, Status.INVALID_ARGUMENT],
  'strife.v1.BankService/PrepareCredit': [Status.OK, Status.INVALID_ARGUMENT],
  // Commit of an unknown or aborted leg, Abort of a committed one: FAILED_PRECONDITION.
  'strife.v1.BankService/Commit': [Status.OK, Status.INVALID_ARGUMENT, Status.FAILED_PRECONDITION],
  'strife.v1.BankService/Abort': [Status.OK, Status.INVALID_ARGUMENT, Status.FAILED_PRECONDITION],
  // More than 4096 operations; each operation's own failure is inside the OK answer.
  'strife.v1.BankService/ApplyLegs': [Status.OK, Status.INVALID_ARGUMENT],
  'strife.v1.BankService/ListTransactions': [Status.OK, Status.INVALID_ARGUMENT],
  'strife.v1.TxIdService/Lease': [Status.OK, Status.INVALID_ARGUMENT],
};

/** What an ApplyLegs operation is: the kind a bank runs (the first one set), or none at all. */
export type OperationKind =
  'prepareDebit' | 'prepareCredit' | 'prepareTransfer' | 'commit' | 'abort' | 'none';

/**
 * The codes one ApplyLegs operation may fail with: those of its own unary RPC, minus OK (a
 * `LegOperationError` is never OK).
 */
export const LEG_OPERATION_ERRORS: Readonly<Record<OperationKind, readonly Status[]>> = {
  prepareDebit: [Status.INVALID_ARGUMENT],
  prepareCredit: [Status.INVALID_ARGUMENT],
  prepareTransfer: [Status.INVALID_ARGUMENT],
  commit: [Status.INVALID_ARGUMENT, Status.FAILED_PRECONDITION],
  abort: [Status.INVALID_ARGUMENT, Status.FAILED_PRECONDITION],
  // An operation with none of its kinds set.
  none: [Status.INVALID_ARGUMENT],
};

/**
 * What grpc-js itself answers, before any Strife code runs, for a body that is not an encoding
 * of the request message: INTERNAL with exactly this text (its deserializer's failure; Strife's
 * middleware never sees the call). Accepted only when the body really does not decode as the
 * request type, as is INVALID_ARGUMENT, which a server that caught the failure itself would send.
 */
export const UNDECODABLE = { code: Status.INTERNAL, details: 'Error deserializing request' };

/** grpc-js's limit on a received message: a larger one is RESOURCE_EXHAUSTED, before any handler. */
export const MAX_RECEIVE_BYTES = 4 * 1024 * 1024;
