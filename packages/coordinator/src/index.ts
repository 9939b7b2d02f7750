export { Coordinator, type RecoveryReport } from './coordinator';
export type { CoordinatorOptions, CoordinatorTimeouts } from './options';
export type { CoordinatorEvent } from './events';
export { systemClock, type Clock } from './clock';
export type { DecisionLog, LogRecord, LogState } from './decisionLog';
export { SqliteDecisionLog, type SqliteDecisionLogOptions } from './sqliteDecisionLog';
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
