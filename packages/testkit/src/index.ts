export { freePort } from './freePort';
export {
  createTestCluster,
  type TestCluster,
  type TestClusterOptions,
  type SeedAccount,
  type SeedUser,
} from './testCluster';
export {
  ExitedBeforeServing,
  spawnService,
  waitUntilServing,
  type AppName,
  type Exit,
  type ServingOptions,
  type SpawnedService,
  type SpawnOptions,
} from './spawnService';
export { startService, type ServiceProcess, type StartOptions } from './serviceProcess';
export { TestSystem, SEED, SEED_TOTAL } from './testSystem';
