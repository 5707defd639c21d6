// Boundary check (`npm run lint`, `npm run lint:boundaries`): import cycles, deep imports across
// workspaces, layering (a package imports only packages below it; packages never import apps)
// and workspace dependencies declared in the importing workspace's package.json.
// Run from the repository root; the rules are read from the root package.json's workspaces.
const fs = require('node:fs');
const path = require('node:path');

/**
 * The layers, lowest first. A package may import only packages in lower layers; apps sit on top.
 * config sits above llm because it reads MGE_LLM_PRICES over llm's default price table.
 */
const LAYERS = [
  ['core'],
  ['telemetry'],
  ['db', 'queue', 'llm', 'atomizer'],
  ['config', 'source', 'bench'],
  ['graph', 'validation'],
  ['rag', 'planner'],
  ['pipeline'],
];
/** The one app that imports another: the CLI runs the API in process (`mge up`, `mge run`). */
const APP_IMPORTS = { cli: ['api'] };

const root = process.cwd();
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const workspaces = readJson('package.json').workspaces.map((dir) => {
  const manifest = readJson(`${dir}/package.json`);
  // Shipped sources need runtime dependencies; devDependencies serve a workspace's tests.
  const declared = Object.keys(manifest.dependencies ?? {});
  return { dir, name: manifest.name, declared };
});
const dirOf = new Map(workspaces.map((w) => [w.name, w.dir]));
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const anyOf = (dirs) => `^(${dirs.map(escape).join('|')})/`;
const TEST_FILE = '\\.test\\.ts$';
/** Modules in cycles closed only by a type-only import; exempt from `no-cycle`, not `no-runtime-cycle`. */
const TYPE_ONLY_CYCLES = [
  '^packages/source/src/symbols/ecmascript(-modules)?\\.ts$',
  '^packages/validation/src/sandbox/(bwrap-args|detect|limits|sandbox-plan|select-backend|unshare-args)\\.ts$',
];

const layerOf = new Map(LAYERS.flatMap((names, rank) => names.map((n) => [`packages/${n}`, rank])));
for (const { dir } of workspaces) {
  if (dir.startsWith('packages/') && !layerOf.has(dir)) {
    throw new Error(`.dependency-cruiser.cjs: ${dir} is in no layer; add it to LAYERS`);
  }
}

const layering = workspaces.map(({ dir }) => {
  const rank = layerOf.get(dir);
  const app = dir.startsWith('apps/') ? dir.slice('apps/'.length) : undefined;
  const allowed = app
    ? [...layerOf.keys(), ...(APP_IMPORTS[app] ?? []).map((a) => `apps/${a}`)]
    : [...layerOf].filter(([, r]) => r < rank).map(([d]) => d);
  return {
    name: 'layering',
    comment: `${dir} may import only: ${allowed.join(', ') || '(no workspace)'}`,
    severity: 'error',
    from: { path: `^${escape(dir)}/`, pathNot: TEST_FILE },
    to: { path: '^(packages|apps)/[^/]+/', pathNot: anyOf([dir, ...allowed]) },
  };
});

const declared = workspaces.map(({ dir, declared: names }) => {
  const targets = names.filter((n) => dirOf.has(n)).map((n) => dirOf.get(n));
  return {
    name: 'undeclared-workspace-dependency',
    comment: `${dir} imports a workspace its package.json does not list (it lists: ${
      targets.join(', ') || 'none'
    })`,
    severity: 'error',
    from: { path: `^${escape(dir)}/`, pathNot: TEST_FILE },
    to: { path: '^(packages|apps)/[^/]+/', pathNot: anyOf([dir, ...targets]) },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycle',
      comment: 'A module cycle through value imports.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-cycle',
      comment: 'A module cycle, type-only back edges included.',
      severity: 'error',
      // Known cycles whose back edge is a type-only import (erased when compiled); to be untangled.
      from: { pathNot: TYPE_ONLY_CYCLES },
      to: { circular: true },
    },
    {
      name: 'no-deep-import',
      comment:
        'Import another workspace only through its package name (its src/index.ts), or core through ' +
        'its browser-safe entry `@mge/core/domain` (src/domain.ts, the console reads it).',
      severity: 'error',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: {
        path: '^(packages|apps)/[^/]+/',
        pathNot: [
          '^$1/$2/',
          '^(packages|apps)/[^/]+/src/index\\.ts$',
          '^packages/core/src/domain\\.ts$',
        ],
      },
    },
    {
      name: 'browser-safe-core-domain',
      comment:
        "core's browser-safe entry (`@mge/core/domain`, bundled into the console) imports nothing " +
        '(a module it needs must be browser-safe too: widen this rule to it).',
      severity: 'error',
      from: { path: '^packages/core/src/domain\\.ts$' },
      to: {},
    },
    {
      name: 'no-test-support-in-sources',
      comment: 'Shipped sources never import test support.',
      severity: 'error',
      from: { path: '^(packages|apps)/', pathNot: TEST_FILE },
      to: { path: '^test/' },
    },
    {
      name: 'undeclared-npm-dependency',
      comment: "A package import missing from the importing workspace's package.json.",
      severity: 'error',
      from: { path: '^(packages|apps)/', pathNot: TEST_FILE },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'npm-dev'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to no file.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    ...layering,
    ...declared,
  ],
  options: {
    doNotFollow: { path: ['node_modules', '/dist/'] },
    tsPreCompilationDeps: true,
    // The test program's paths map each @mge/* name to its workspace's src/index.ts.
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
  },
};
