#!/usr/bin/env node
'use strict';
// Thin shim so `npx mge` works from the repo root; the CLI is compiled by `npm run build`.
try {
  require.resolve('../dist/main.js');
} catch {
  process.stderr.write(
    'mge is not built yet: run `npm run build` (or `npm ci`, which builds) first.\n',
  );
  process.exit(1);
}
require('../dist/main.js');
