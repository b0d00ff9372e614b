/**
 * Tests run from the TypeScript sources through SWC (type checking is `npm run build` / `tsc --noEmit`).
 * The conformance suite runs three times: with the defaults (Hive Router's planner, Junction's executor); as
 * stock runs (@apollo/query-planner's plans on @apollo/gateway's executor), so every federation case proves the
 * fast path answers exactly as stock does; and on @apollo/query-planner with Junction's executor — so every case
 * says which planner answers it.
 */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
};

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'junction',
      roots: ['<rootDir>/test', '<rootDir>/subgraphs', '<rootDir>/src'],
      testMatch: ['**/*.test.ts'],
      setupFiles: ['<rootDir>/test/helpers/env.ts'],
    },
    {
      ...common,
      displayName: 'conformance on @apollo/gateway executor',
      roots: ['<rootDir>/test/conformance'],
      testMatch: ['**/*.test.ts'],
      setupFiles: ['<rootDir>/test/helpers/env.ts', '<rootDir>/test/helpers/apolloExecutor.ts'],
    },
    {
      ...common,
      displayName: 'conformance on the apollo planner',
      roots: ['<rootDir>/test/conformance'],
      testMatch: ['**/*.test.ts'],
      setupFiles: ['<rootDir>/test/helpers/env.ts', '<rootDir>/test/helpers/apolloPlanner.ts'],
    },
  ],
};
