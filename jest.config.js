/** Unit tests (pure code, no services) and integration tests (real PostgreSQL, Redis, Kafka, RabbitMQ, S3). */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
};
// The e2e bench checks a baseline commit out under .cache/bench-baseline/: a second package.json and test tree that
// jest's module map must not see.
const modulePathIgnorePatterns = ['<rootDir>/.cache/'];

module.exports = {
  // Global, not per project: jest reads testTimeout from the root config only. Integration hooks start and stop
  // Kafka consumers, which takes seconds on this 2-core machine.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      modulePathIgnorePatterns,
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      modulePathIgnorePatterns,
      testMatch: ['<rootDir>/src/**/*.int.test.ts', '<rootDir>/test/**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
