// One private PostgreSQL server for the run (tests create a database each); see src/testing.
module.exports = {
  ...require('../../jest.base.js'),
  globalSetup: '<rootDir>/src/testing/jestGlobalSetup.ts',
  globalTeardown: '<rootDir>/src/testing/jestGlobalTeardown.ts',
};
