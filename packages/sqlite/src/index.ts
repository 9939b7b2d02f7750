export { GroupCommit, type GroupCommitOptions } from './groupCommit';
export { openDurableDatabase, type OpenDurableOptions } from './open';
