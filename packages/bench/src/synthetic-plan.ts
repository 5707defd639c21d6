import type { PlanInput } from '@mge/core';

export interface SyntheticPlanOptions {
  /** Function atoms to generate (import atoms come on top, one per importing file). */
  functions: number;
  seed?: number;
  /** Functions per file. @defaultValue 25 */
  perFile?: number;
  /**
   * No function calls another, so every atom is ready at once: a tenant flooding the queue.
   * @defaultValue false
   */
  independent?: boolean;
}

/**
 * A TypeScript plan whose call graph looks like real code: chains (a function calls its
 * predecessor), fan-out (a few early "core" helpers used everywhere) and fan-in (functions calling
 * up to three others), across files with real imports. Deterministic for a seed.
 */
export function syntheticPlan(options: SyntheticPlanOptions): PlanInput {
  const random = lcg(options.seed ?? 7);
  const perFile = options.perFile ?? 25;
  const name = (i: number) => `f${i}`;
  const fileOf = (i: number) => Math.floor(i / perFile);
  const calls: number[][] = [];
  for (let i = 0; i < options.functions; i++) {
    const deps = new Set<number>();
    if (i > 0 && random() < 0.55) deps.add(i - 1); // chains
    if (i > 5 && random() < 0.3) deps.add(Math.floor(random() * Math.min(i, 8))); // core helpers: fan-out
    const extra = random() < 0.35 ? Math.floor(random() * 3) : 0; // fan-in
    for (let k = 0; k < extra && i > 0; k++) deps.add(Math.floor(random() * i));
    calls.push(options.independent ? [] : [...deps].sort((a, b) => a - b));
  }

  const files = Math.ceil(options.functions / perFile);
  const tasks: PlanInput['tasks'] = [];
  for (let f = 0; f < files; f++) {
    const members = [...Array(options.functions).keys()].filter((i) => fileOf(i) === f);
    const imported = new Map<number, Set<number>>();
    for (const i of members)
      for (const d of calls[i]!)
        if (fileOf(d) !== f)
          (imported.get(fileOf(d)) ?? imported.set(fileOf(d), new Set()).get(fileOf(d))!).add(d);
    const importLines = [...imported]
      .sort(([a], [b]) => a - b)
      .map(
        ([g, names]) =>
          `import { ${[...names]
            .sort((a, b) => a - b)
            .map(name)
            .join(', ')} } from './m${g}.js';`,
      );
    const bodies = members.map((i) => {
      const deps = calls[i]!;
      const expression =
        deps.length === 0 ? `x + ${i}` : deps.map((d) => `${name(d)}(x)`).join(' + ') + ` + ${i}`;
      // About ten lines of code, so each function is one atom of the atomizer's target size.
      return [
        // The seed in the comment keeps plans of different seeds apart for the content-keyed sim.
        `/** Step ${i} of plan ${options.seed ?? 7}. */`,
        `export function ${name(i)}(x: number): number {`,
        '  const y = x % 97;',
        '  const a = y * 3 + 1;',
        '  const b = a > 50 ? a - 50 : a + 7;',
        '  const c = Math.max(b, 1);',
        '  const d = (c * 31) % 1009;',
        '  const e = d ^ (y << 1);',
        `  return ${expression.replaceAll('(x)', '(e)').replace(/^x \+/, 'e +')};`,
        '}',
        '',
      ].join('\n');
    });
    tasks.push({
      id: `m${f}`,
      title: `module ${f}`,
      description: `functions ${members[0]}..${members.at(-1)}`,
      file: `src/m${f}.ts`,
      dependsOn: [...imported.keys()].map((g) => `m${g}`),
      code: (importLines.length > 0 ? `${importLines.join('\n')}\n\n` : '') + bodies.join('\n'),
    });
  }
  return { name: `synthetic-${options.functions}`, language: 'typescript', tasks, tests: [] };
}

/** Small deterministic generator (numerical recipes LCG). */
function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}
