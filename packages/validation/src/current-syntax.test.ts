import { typeCheck } from './component/typescript-check.js';
import { syntaxDiagnostics } from './syntax.js';
import { runtimePath, testRunFiles } from './system/build-files.js';

describe('current syntax in validation', () => {
  it('passes the parse check on syntax the grammar lags behind, as the atomizer does', () => {
    const code =
      'export interface Check<in T = never> {\n  run(x: T): void;\n}\nexport class C {\n  static accessor n = 0;\n}\n';
    expect(syntaxDiagnostics('src/check.ts', code, 'module')).toEqual([]);
  });

  it("fails a real syntax error with the compiler's line and column", () => {
    const code = 'export interface Check<in T> {}\nexport const x = (1 + ;\n';
    expect(syntaxDiagnostics('src/check.ts', code, 'atom')).toEqual([
      expect.objectContaining({ level: 'atom', file: 'src/check.ts', line: 2, column: 23 }),
    ]);
  });

  it('type-checks .tsx and .jsx with a JSX mode set', () => {
    const files = [
      { path: 'src/view.tsx', code: 'export const View = (p: { n: number }) => <b>{p.n}</b>;\n' },
      { path: 'src/old.jsx', code: 'export const Old = () => <i>old</i>;\n' },
    ];
    const codes = typeCheck('typescript', files).map((d) => d.message.split(':')[0]);
    // TS17004: "Cannot use JSX unless the '--jsx' flag is provided".
    expect(codes).not.toContain('TS17004');
  });

  it('transpiles .jsx for the test run like .tsx', () => {
    const { files, tests } = testRunFiles({
      language: 'javascript',
      files: [
        {
          path: 'src/old.jsx',
          atoms: [{ id: 'a', code: 'export const Old = () => <i>old</i>;\n' }],
        },
      ],
      tests: [
        { path: 'test/old.test.jsx', code: "import { Old } from '../src/old.js';\nOld();\n" },
      ],
    });
    const built = files.find((f) => f.path === 'src/old.js');
    expect(built?.content).toContain('react/jsx-runtime');
    expect(built?.content).not.toContain('<i>');
    expect(tests).toEqual(['test/old.test.js']);
    expect(runtimePath('src/a.mts')).toBe('src/a.mjs');
  });
});
