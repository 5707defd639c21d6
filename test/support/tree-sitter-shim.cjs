'use strict';
// See tree-sitter-environment.cjs: the process-wide copy of tree-sitter.
module.exports = globalThis.__mgeTreeSitter;
