// One private PostgreSQL per test run (the machine's binaries, else the embedded ones); each
// test file makes its own databases.
module.exports = {
  ...require('../../jest.base.js'),
  globalSetup: '@strife/postgres/jest-global-setup',
  globalTeardown: '@strife/postgres/jest-global-teardown',
};
