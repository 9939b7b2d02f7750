import { Status } from 'nice-grpc-common';
import { EXIT, type ExitCode } from './exitCodes';

/**
 * What to do with a payment whose send failed with a status:
 * - `never`: permanent; the request itself is refused. Leave the queue, record the failure.
 * - `later`: temporary; the same key may be sent again (the gateway is idempotent per key).
 * - `after-login`: the session is gone; keep the payment queued until the user logs in again.
 */
export type Retry = 'never' | 'later' | 'after-login';

export interface StatusClass {
  readonly retry: Retry;
  /** The exit code of a command that ends with this status. */
  readonly exitCode: ExitCode;
  /** The gateway could not be reached or did not answer in time. */
  readonly offline: boolean;
}

const permanent = (exitCode: ExitCode): StatusClass => ({
  retry: 'never',
  exitCode,
  offline: false,
});
const temporary = (offline: boolean): StatusClass => ({
  retry: 'later',
  exitCode: EXIT.OTHER,
  offline,
});

/**
 * The one table from gRPC status to permanent vs retryable, total over `Status` (adding a status
 * without a row does not compile; test/statusClass.test.ts checks every value). UNKNOWN, INTERNAL
 * and CANCELLED are retried because the payment's fate is unknown and resending its key is safe;
 * ABORTED is the gateway's "a request with this key is still in flight".
 */
export const STATUS_CLASS: { readonly [S in Status]: StatusClass } = {
  [Status.OK]: permanent(EXIT.OK),
  [Status.CANCELLED]: temporary(false),
  [Status.UNKNOWN]: temporary(false),
  [Status.INVALID_ARGUMENT]: permanent(EXIT.USAGE),
  [Status.DEADLINE_EXCEEDED]: temporary(true),
  [Status.NOT_FOUND]: permanent(EXIT.DECLINED),
  [Status.ALREADY_EXISTS]: permanent(EXIT.DECLINED),
  [Status.PERMISSION_DENIED]: permanent(EXIT.AUTH),
  [Status.RESOURCE_EXHAUSTED]: temporary(false),
  [Status.FAILED_PRECONDITION]: permanent(EXIT.DECLINED),
  [Status.ABORTED]: temporary(false),
  [Status.OUT_OF_RANGE]: permanent(EXIT.USAGE),
  [Status.UNIMPLEMENTED]: permanent(EXIT.OTHER),
  [Status.INTERNAL]: temporary(false),
  [Status.UNAVAILABLE]: temporary(true),
  [Status.DATA_LOSS]: permanent(EXIT.OTHER),
  [Status.UNAUTHENTICATED]: { retry: 'after-login', exitCode: EXIT.AUTH, offline: false },
};

/** The class of `status`. */
export function classify(status: Status): StatusClass {
  return STATUS_CLASS[status];
}
