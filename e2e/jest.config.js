// One private PostgreSQL per run for the several-gateway variant (the machine's binaries, else
// the embedded ones).
module.exports = {
  ...require('../jest.base.js'),
  testTimeout: 300000,
  globalSetup: '@strife/postgres/jest-global-setup',
  globalTeardown: '@strife/postgres/jest-global-teardown',
};
