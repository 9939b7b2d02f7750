export { runSchedule, type ScheduleOptions, type ScheduleResult } from './simulation';
export { MUTATIONS, type Mutation } from './mutations';
export type { Invariant, Violation } from './checks/violation';
export { formatEntry, type TraceEntry } from './engine/trace';
export { Random } from './engine/random';
export { Scheduler } from './engine/scheduler';
export type { WorldConfig } from './world/config';
