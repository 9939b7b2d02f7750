import { stopTestServer } from './index';

/** jest `globalTeardown: '@strife/postgres/jest-global-teardown'`: stops the run's server. */
export default stopTestServer;
