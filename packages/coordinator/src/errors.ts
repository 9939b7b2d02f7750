import { DependencyUnavailable, Internal } from '@strife/domain';

/**
 * The coordinator was closed (the process is shutting down); nothing more is written or sent by
 * this instance. Retryable, like any unavailable service: UNAVAILABLE on the wire.
 */
export class CoordinatorClosed extends DependencyUnavailable {
  constructor() {
    super('the coordinator is closed');
  }
}

/**
 * A txid already in the decision log arrived again with different legs; `field` names the first
 * difference. Txids are unique by construction, so this is a caller bug: INTERNAL on the wire.
 */
export class TransactionMismatch extends Internal {
  constructor(
    readonly txid: bigint,
    readonly field: string,
  ) {
    super(`transaction ${txid} is already logged with a different ${field}`);
  }
}
