import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.join(__dirname, '..');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

interface Manifest {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
}

describe('workspace manifests', () => {
  const dirs = readJson<Manifest>(path.join(root, 'package.json')).workspaces ?? [];
  const dirOf = new Map(
    dirs.map((dir) => [readJson<Manifest>(path.join(root, dir, 'package.json')).name, dir]),
  );

  it.each(dirs)('%s: tsconfig references are exactly its @mge/* dependencies', (dir) => {
    const manifest = readJson<Manifest>(path.join(root, dir, 'package.json'));
    const declared = Object.keys(manifest.dependencies ?? {})
      .filter((name) => dirOf.has(name))
      .map((name) => dirOf.get(name))
      .sort();
    const tsconfig = readJson<{ references?: { path: string }[] }>(
      path.join(root, dir, 'tsconfig.json'),
    );
    const references = (tsconfig.references ?? [])
      .map((ref) => path.relative(root, path.join(root, dir, ref.path)))
      .sort();
    expect(references).toEqual(declared);
  });
});

/** The boundary check (`npm run lint:boundaries`) run on a small repository written for the test. */
describe('boundary check', () => {
  let dir: string;

  function write(files: Record<string, string>): void {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
  }

  const manifest = (name: string, deps: string[] = []) =>
    JSON.stringify({ name, dependencies: Object.fromEntries(deps.map((d) => [d, '0.1.0'])) });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mge-boundaries-'));
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    write({
      'package.json': JSON.stringify({
        workspaces: ['packages/core', 'packages/db', 'packages/pipeline', 'apps/cli'],
      }),
      'tsconfig.test.json': JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          paths: {
            '@mge/cli': ['./apps/cli/src/index.ts'],
            '@mge/core/domain': ['./packages/core/src/domain.ts'],
            '@mge/*': ['./packages/*/src/index.ts'],
          },
        },
      }),
      'packages/core/package.json': manifest('@mge/core', ['zod']),
      'packages/core/src/index.ts': "export * from './ids.js';\n",
      'packages/core/src/ids.ts': "import { z } from 'zod';\nexport const id = z.string();\n",
      'packages/db/package.json': manifest('@mge/db', ['@mge/core']),
      'packages/db/src/index.ts': "import { id } from '@mge/core';\nexport const row = id;\n",
      'packages/pipeline/package.json': manifest('@mge/pipeline', ['@mge/core', '@mge/db']),
      'packages/pipeline/src/index.ts':
        "import { row } from '@mge/db';\nimport { id } from '@mge/core';\nexport const both = [row, id];\n",
      'apps/cli/package.json': manifest('@mge/cli', ['@mge/pipeline']),
      'apps/cli/src/index.ts': "import { both } from '@mge/pipeline';\nexport const all = both;\n",
    });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The violations found, and whether the command failed (as `npm run lint` sees it). */
  async function cruise(): Promise<{ failed: boolean; violations: string[] }> {
    const bin = path.join(
      root,
      'node_modules',
      'dependency-cruiser',
      'bin',
      'dependency-cruise.mjs',
    );
    const args = [bin, 'packages', 'apps', '--config', path.join(root, '.dependency-cruiser.cjs')];
    // The default output, as `npm run lint` runs it: `error <rule>: <from> → <to>` (a cycle goes on, one module a line).
    const { stdout, failed } = await promisify(execFile)(process.execPath, args, { cwd: dir }).then(
      ({ stdout }) => ({ stdout, failed: false }),
      (error: { stdout: string }) => ({ stdout: error.stdout, failed: true }),
    );
    // A package outside the repository shows as its name.
    const named = (to: string) => to.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1');
    const violations = [...stdout.matchAll(/^ {2}error (\S+): (\S+) →\s+(\S+)/gm)].map(
      ([, rule, from, to]) => `${rule}: ${from} -> ${named(to!)}`,
    );
    return { failed, violations };
  }

  it('passes a tree that keeps the rules', async () => {
    expect(await cruise()).toEqual({ failed: false, violations: [] });
  }, 60_000);

  it("lets a workspace import core's browser-safe entry, which imports nothing", async () => {
    write({
      'packages/core/src/domain.ts': "export const STATUSES = ['open'] as const;\n",
      'packages/db/src/index.ts':
        "import { id } from '@mge/core';\nimport { STATUSES } from '@mge/core/domain';\nexport const row = [id, STATUSES];\n",
    });
    expect(await cruise()).toEqual({ failed: false, violations: [] });

    write({
      'packages/core/src/domain.ts':
        "import { createHash } from 'node:crypto';\nexport const STATUSES = [createHash] as const;\n",
    });
    expect(await cruise()).toEqual({
      failed: true,
      violations: ['browser-safe-core-domain: packages/core/src/domain.ts -> crypto'],
    });
  }, 60_000);

  it('names each kind of violation', async () => {
    write({
      // A cycle: core (the lowest layer) imports db, which imports core.
      'packages/core/src/ids.ts':
        "import { z } from 'zod';\nimport { row } from '@mge/db';\nexport const id = z.string();\nexport const r = row;\n",
      // A deep import into another workspace, and a package its manifest does not list.
      'packages/db/src/index.ts':
        "import { id } from '../../core/src/ids.js';\nimport { Queue } from 'bullmq';\nexport const row = [id, Queue];\n",
      // A package importing an app.
      'packages/pipeline/src/index.ts':
        "import { all } from '@mge/cli';\nimport { row } from '@mge/db';\nexport const both = [row, all];\n",
      // An app importing a workspace it does not declare.
      'apps/cli/src/index.ts':
        "import { both } from '@mge/pipeline';\nimport { id } from '@mge/core';\nexport const all = [both, id];\n",
    });
    const { failed, violations } = await cruise();
    expect(failed).toBe(true);
    expect(violations).toEqual(
      expect.arrayContaining([
        'no-runtime-cycle: packages/core/src/ids.ts -> packages/db/src/index.ts',
        'layering: packages/core/src/ids.ts -> packages/db/src/index.ts',
        'no-deep-import: packages/db/src/index.ts -> packages/core/src/ids.ts',
        'undeclared-npm-dependency: packages/db/src/index.ts -> bullmq',
        'layering: packages/pipeline/src/index.ts -> apps/cli/src/index.ts',
        'undeclared-workspace-dependency: apps/cli/src/index.ts -> packages/core/src/index.ts',
      ]),
    );
  }, 60_000);
});
