/**
 * One Jest run for unit tests (src/**\/*.spec.ts, bench/**\/*.spec.ts) and e2e tests (test/**\/*.e2e-spec.ts).
 * The global setup starts a throwaway PostgreSQL (or uses TEST_DATABASE_URL) and migrates a template
 * database once; each e2e test file clones its own database from it. DATABASE_URL is never used.
 */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: ['src/.*\\.spec\\.ts$', 'bench/.*\\.spec\\.ts$', 'test/.*\\.e2e-spec\\.ts$'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
