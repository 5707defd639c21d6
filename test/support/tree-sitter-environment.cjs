'use strict';
// tree-sitter's JS wrapper patches its native classes' prototypes when it is first evaluated and
// breaks when evaluated a second time in the same process, which Jest does for every test file
// (one module registry per file). This environment loads it once per worker process, outside the
// registry; `tree-sitter-shim.cjs` (mapped to `tree-sitter`) hands that one copy to the tests.
const { TestEnvironment } = require('jest-environment-node');
const treeSitter = require('tree-sitter');

class TreeSitterEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__mgeTreeSitter = treeSitter;
  }
}

module.exports = TreeSitterEnvironment;
