/**
 * Two projects: `unit` (pure, no network, seconds) and `integration` (real Kafka, Connect,
 * PostgreSQL and Prometheus brought up by the global set-up and stopped after).
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      transform,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      transform,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/integration/global-setup.ts',
      globalTeardown: '<rootDir>/tests/integration/global-teardown.ts',
      slowTestThreshold: 60,
    },
  ],
};
