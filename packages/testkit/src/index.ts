export { freePort } from './freePort';
export {
  createTestCluster,
  type TestCluster,
  type TestClusterOptions,
  type SeedAccount,
  type SeedUser,
} from './testCluster';
export {
  startService,
  type AppName,
  type ServiceProcess,
  type StartOptions,
  type Exit,
} from './serviceProcess';
export { TestSystem, SEED, SEED_TOTAL } from './testSystem';
