import type { PlanInput } from '@mge/core';

/** A three-file TypeScript plan with cross-file imports and a test. */
export function threeFilePlan(name = 'three-files'): PlanInput {
  return {
    name,
    language: 'typescript',
    tasks: [
      {
        id: 'math',
        title: 'Math helpers',
        description: 'add and scale',
        file: 'src/math.ts',
        dependsOn: [],
        code: '/** Adds two numbers. */\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport const scale = (x: number, k = 2): number => x * k;\n',
      },
      {
        id: 'stats',
        title: 'Statistics',
        description: 'sum and mean',
        file: 'src/stats.ts',
        dependsOn: ['math'],
        code: "import { add } from './math.js';\n\nexport function sum(xs: number[]): number {\n  return xs.reduce(add, 0);\n}\n\nexport function mean(xs: number[]): number {\n  return xs.length === 0 ? 0 : sum(xs) / xs.length;\n}\n",
      },
      {
        id: 'report',
        title: 'Report',
        description: 'formats statistics',
        file: 'src/report.ts',
        dependsOn: ['stats', 'math'],
        code: "import { mean, sum } from './stats.js';\nimport { scale } from './math.js';\n\n// Émoji-free, but non-ASCII: ünïcödé\nexport function report(xs: number[]): string {\n  return `sum=${sum(xs)} mean=${mean(xs)} double=${scale(sum(xs))}`;\n}\n",
      },
    ],
    tests: [
      {
        file: 'test/report.test.ts',
        code: "import { report } from '../src/report.js';\nconsole.log(report([1, 2, 3]));\n",
      },
    ],
  };
}
