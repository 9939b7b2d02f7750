export {
  GroupCommit,
  nodeCommitScheduler,
  type CommitScheduler,
  type GroupCommitOptions,
} from './groupCommit';
export {
  migrate,
  schemaVersion,
  SchemaTooNew,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
} from './migrate';
export { openDurableDatabase, type OpenDurableOptions } from './open';
export { StorageFailure, storageFailureOf } from './storageFailure';
