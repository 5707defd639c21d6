/** @jest-config-loader esbuild-register */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from 'jest';

/** `@mge/x` -> its TypeScript sources, so tests never run against a stale build. */
const workspaces: string[] = JSON.parse(
  readFileSync(path.join(__dirname, 'package.json'), 'utf8'),
).workspaces;
const moduleNameMapper: Record<string, string> = {
  '^tree-sitter$': '<rootDir>/test/support/tree-sitter-shim.cjs',
  '^@test/(.*)$': '<rootDir>/test/support/$1',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
for (const dir of workspaces) {
  const { name } = JSON.parse(readFileSync(path.join(__dirname, dir, 'package.json'), 'utf8')) as {
    name: string;
  };
  moduleNameMapper[`^${name}$`] = `<rootDir>/${dir}/src/index.ts`;
}

const shared = {
  rootDir: __dirname,
  testEnvironment: '<rootDir>/test/support/tree-sitter-environment.cjs',
  moduleNameMapper,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] as [string, object],
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // A guard against a test that hangs, not a speed goal (those live in benchmarks): Jest's 5 s
  // default fails sound tests on a shared 2-core machine under CI's load. A test that needs more
  // says so itself.
  testTimeout: 30_000,
};

const config: Config = {
  // No forceExit: a test that leaves a connection, timer or thread open fails the run (see
  // test/support/open-handles.ts) instead of being hidden.
  globalSetup: '<rootDir>/test/support/leak-check-setup.ts',
  globalTeardown: '<rootDir>/test/support/leak-check-teardown.ts',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,apps}/*/src/**/*.test.ts', '<rootDir>/test/*.test.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '\\.int\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{packages,apps}/*/src/**/*.int.test.ts',
        '<rootDir>/test/**/*.int.test.ts',
      ],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};

export default config;
