import { PlanModules } from '@mge/source';
import { rewriteRuntimeSpecifiers } from './runtime-specifiers.js';

describe('rewriteRuntimeSpecifiers', () => {
  const modules = new PlanModules([
    'src/money.ts',
    'src/shapes/index.ts',
    'src/rates.json',
    'src/cart.ts',
  ]);

  it('names the emitted files of extensionless, suffixed and directory imports', () => {
    const code = [
      "import { add } from './money';",
      "export * from './shapes';",
      "export { add as plus } from './money.js';",
      "import 'zod';",
      "import { gone } from './missing';",
    ].join('\n');
    expect(rewriteRuntimeSpecifiers(code, 'src/cart.ts', modules, true).split('\n')).toEqual([
      "import { add } from './money.js';",
      "export * from './shapes/index.js';",
      "export { add as plus } from './money.js';",
      "import 'zod';",
      "import { gone } from './missing';",
    ]);
  });

  it('adds the JSON import attribute node requires, once', () => {
    const code = [
      "import rates from './rates.json';",
      'import again from "./rates.json" with { type: "json" };',
    ].join('\n');
    expect(rewriteRuntimeSpecifiers(code, 'src/cart.ts', modules, true).split('\n')).toEqual([
      "import rates from './rates.json' with { type: 'json' };",
      'import again from "./rates.json" with { type: "json" };',
    ]);
  });

  it('leaves CommonJS requires without attributes', () => {
    const code = "const rates = require('./rates.json');\nconst { add } = require('./money');";
    expect(rewriteRuntimeSpecifiers(code, 'src/cart.ts', modules, false)).toBe(
      "const rates = require('./rates.json');\nconst { add } = require('./money.js');",
    );
  });
});
