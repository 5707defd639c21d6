import { atomLocator } from '../line-ranges.js';
import { failureAtoms, namesDefinedBy } from './test-mapping.js';

const sources = [
  {
    path: 'src/stats.ts',
    atoms: [
      { id: 'imp', code: "import { add } from './math.js';\n" },
      {
        id: 'sum',
        code: 'export function sum(xs: number[]): number {\n  return xs.reduce(add, 0);\n}\n',
      },
      {
        id: 'mean',
        code: 'export function mean(xs: number[]): number {\n  return sum(xs) / xs.length;\n}\n',
      },
    ],
  },
];
const tests = [
  {
    path: 'test/stats.test.ts',
    code: "import { mean, sum } from '../src/stats.js';\n\ntest('mean', () => {\n  const xs = [1, 2];\n  assert.equal(mean(xs), 1.5);\n});\n",
  },
];
const locate = atomLocator(sources);

describe('failureAtoms', () => {
  it('blames the innermost stack frame inside a source file', () => {
    const failure = {
      testFile: 'test/stats.test.ts',
      kind: 'failed' as const,
      message: 'boom',
      frames: [
        { file: 'src/stats.ts', line: 6 },
        { file: 'test/stats.test.ts', line: 5 },
      ],
    };
    expect(failureAtoms(failure, sources, tests, locate)).toEqual(['mean']);
  });

  it('blames what the failing assertion line calls when no source frame exists', () => {
    const failure = {
      testFile: 'test/stats.test.ts',
      testName: 'mean',
      kind: 'failed' as const,
      message: '2 !== 1.5',
      frames: [{ file: 'test/stats.test.ts', line: 5 }],
    };
    expect(failureAtoms(failure, sources, tests, locate)).toEqual(['mean']);
  });

  it('blames every atom a hung test calls', () => {
    const failure = {
      testFile: 'test/stats.test.ts',
      testName: 'mean',
      kind: 'timeout' as const,
      message: 'did not finish',
      frames: [],
    };
    expect(failureAtoms(failure, sources, tests, locate)).toEqual(['mean']);
  });
});

describe('namesDefinedBy', () => {
  it('reads definitions but not imports', () => {
    expect(namesDefinedBy({ id: 'x', code: "import { add } from './math.js';\n" })).toEqual([]);
    expect(namesDefinedBy({ id: 'x', code: '  /** doc */\n  totals(): number {\n' })).toEqual([
      'totals',
    ]);
    expect(
      namesDefinedBy({
        id: 'x',
        code: '"""doc"""\nfrom .a import b\n\ndef low(x):\n    pass\n',
        defines: ['b', 'low'],
      }),
    ).toEqual(['low']);
  });
});
