// Shared jest settings: swc strips types (tsc --noEmit typechecks separately), tests live in test/.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Many suites start real processes (a cluster, the CLI, PostgreSQL) and run several test files
  // at once on two cores: a test that takes 10 s alone can take 40 s there.
  testTimeout: 90000,
};
