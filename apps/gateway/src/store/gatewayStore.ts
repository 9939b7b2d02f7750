import type { AbortCause, DecisionLog, Owner } from '@strife/coordinator';
import type { LoginThrottleStore } from '../auth/loginThrottle';
import type { SessionStore } from '../auth/sessionStore';
import type { UserStore } from '../auth/userStore';
import type { DescribedAbort } from '../payments/abortReason';
import type { PaymentStore } from '../payments/paymentStore';
import type { OpsView } from './opsView';

/**
 * Everything the gateway keeps durably, one way in, whatever the backend: SQLite for one
 * instance (the embedded default), PostgreSQL for several instances sharing one database.
 * Every method is async and resolves once its write is durable; the writes of one event-loop
 * turn share one transaction (one fsync) on either backend.
 */
export interface GatewayStore {
  readonly backend: 'sqlite' | 'postgres';
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly throttle: LoginThrottleStore;
  readonly payments: PaymentStore;
  /**
   * The coordinator's decision log, in the same database and leased to this instance. Recording
   * a decision also records the outcome of the payment that started the transaction, in the
   * same transaction.
   */
  readonly decisions: DecisionLog;
  /** Read-only queries for the operator's API. */
  readonly ops: OpsView;
  /** Resolves when the database answers; rejects with DependencyUnavailable when it does not. */
  ping(): Promise<void>;
  /** Commits what is queued and closes the database. */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** This instance, as the owner of the transactions it initiates or takes over. */
  readonly owner: Owner;
  /** The payer-facing words for an abort, written with the decision. */
  readonly describe: (cause: AbortCause) => DescribedAbort;
  /**
   * Called in every group-committed transaction just before it commits, with the code of the
   * backend's disk-failure error (SQLite `SQLITE_IOERR_WRITE`, PostgreSQL SQLSTATE `53100`): a
   * throw fails the batch as that error would. For fault injection (failpoints). Default: none.
   */
  readonly injectFault?: (as: { readonly code: string; readonly severity?: string }) => void;
  /** Told each group-committed batch's size and commit time (metrics). Default: none. */
  readonly onCommit?: (writes: number, seconds: number) => void;
}
