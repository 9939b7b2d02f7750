export { Coordinator, type RecoveryReport, type StuckDelivery } from './coordinator';
export type { CoordinatorOptions, CoordinatorTimeouts, Checkpoint } from './options';
export type { CoordinatorEvent } from './events';
export { systemClock, type Clock } from './clock';
export type { DecisionLog, LogRecord, LogState, Owner } from './decisionLog';
export { causeColumns, legOf, recordOf, type LegRow, type TxRow } from './logRows';
export { legsDiffer } from './transaction';
export { isRefusal } from './phaseTwo';
export { CoordinatorClosed, TransactionMismatch } from './errors';
export type {
  AbortCause,
  Decision,
  Leg,
  LegKind,
  Outcome,
  Participant,
  Transaction,
  Vote,
} from './types';
