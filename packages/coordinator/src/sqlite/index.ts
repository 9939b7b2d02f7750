export { SqliteDecisionLog, type SqliteDecisionLogOptions } from './sqliteDecisionLog';
export { DECISION_LOG_MIGRATIONS } from './schema';
