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
};

const config: Config = {
  // A safety net: a lingering handle (an idle worker thread, a Redis reconnect timer) must not
  // keep CI waiting after the results are written. Tests still close what they open.
  forceExit: true,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,apps}/*/src/**/*.test.ts'],
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
