import { startTestServer } from './index';

/** jest `globalSetup: '@strife/postgres/jest-global-setup'`: one private server per run. */
export default startTestServer;
