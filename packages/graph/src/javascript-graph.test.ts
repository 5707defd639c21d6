import { chunkedFile, edgeLines, graphOf } from './test-support/chunked-file.js';

describe('dependency graph of a JavaScript plan', () => {
  const fmt = chunkedFile('lib/fmt.js', {
    format: 'exports.format = function (x) {\n  return String(x);\n};\n',
  });
  const store = chunkedFile('lib/store.js', {
    require: 'const { format: fmt } = require("./fmt");\n',
    Store: 'class Store {\n  constructor() { this.items = []; }\n}\n',
    label: 'function label(item) {\n  return fmt(item);\n}\n',
    exports: 'module.exports = { Store, label };\n',
  });
  const app = chunkedFile('app.mjs', {
    imports: 'import store from "./lib/store.js";\nimport { helper as h } from "./helpers.mjs";\n',
    Shop: 'class Shop extends store.Store {}\n',
    show: 'function show(format) {\n  return format + store.label(1) + h(later());\n}\n',
    later: 'function later() { return 1; }\n',
  });
  const helpers = chunkedFile('helpers.mjs', {
    reexport: 'export { helper } from "./impl.mjs";\n',
  });
  const impl = chunkedFile('impl.mjs', { helper: 'export const helper = (x) => x;\n' });
  const graph = graphOf(fmt, store, app, helpers, impl);

  it('follows CommonJS require, module.exports and ES re-exports to the definitions', () => {
    expect(edgeLines(graph)).toEqual([
      'app.mjs:imports -> app.mjs:Shop (import)',
      'app.mjs:imports -> app.mjs:show (import)',
      'app.mjs:later -> app.mjs:show (call)',
      'helpers.mjs:reexport -> app.mjs:imports (import)',
      'impl.mjs:helper -> app.mjs:show (call)',
      'impl.mjs:helper -> helpers.mjs:reexport (import)',
      'lib/fmt.js:format -> lib/store.js:label (call)',
      'lib/fmt.js:format -> lib/store.js:require (import)',
      'lib/store.js:Store -> app.mjs:Shop (inheritance)',
      'lib/store.js:Store -> app.mjs:imports (import)',
      'lib/store.js:Store -> lib/store.js:exports (reference)',
      'lib/store.js:label -> app.mjs:imports (import)',
      'lib/store.js:label -> app.mjs:show (call)',
      'lib/store.js:label -> lib/store.js:exports (reference)',
      'lib/store.js:require -> lib/store.js:label (import)',
    ]);
  });

  it('does not bind a parameter named like an export to that export', () => {
    expect(
      graph.edges.filter((e) => e.to === 'app.mjs:show' && e.from === 'lib/fmt.js:format'),
    ).toEqual([]);
  });

  it('schedules providers before their users', () => {
    const wave = (id: string) => graph.waveOf.get(id)!;
    for (const edge of graph.edges) expect(wave(edge.from)).toBeLessThan(wave(edge.to));
    expect(graph.waves.length).toBe(graph.criticalPath.length);
  });
});
