/**
 * Fault-injection benchmark of hierarchical validation (L1-L4).
 *
 *   node -r esbuild-register scripts/bench-faults.ts [--per-class N] [--json]
 *
 * Takes correct multi-file plans (TypeScript, JavaScript, Python; each with tests), injects one
 * fault at a time into one atom, and reports per fault class the share caught, at which level,
 * and how often the diagnostics pointed at the faulty atom; unmodified plans measure false alarms.
 * Runs the validation package directly (no queues, no database); L4 runs in the real sandbox.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePlanText } from '@mge/core';
import {
  DEFAULT_SANDBOX_LIMITS,
  draftPlanSources,
  validateAtom,
  validateHierarchy,
  type PlanSources,
  type SandboxOptions,
} from '@mge/validation';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = 'packages/validation/fixtures/clean-corpus';
/** The three larger plans, then one clean plan per import style and language. */
const PLANS = [
  'examples/bookshop/plan.yaml',
  'packages/validation/fixtures/inventory-js/plan.yaml',
  'packages/validation/fixtures/inventory-py/plan.yaml',
  ...readdirSync(path.join(ROOT, CORPUS))
    .sort()
    .map((style) => `${CORPUS}/${style}/plan.yaml`),
];
const sandbox: SandboxOptions = {
  allowWeak: process.env.MGE_SANDBOX_ALLOW_WEAK === 'true',
  limits: { ...DEFAULT_SANDBOX_LIMITS, wallClockMs: 8000, cpuSeconds: 4 },
};

type Mutation = (code: string, python: boolean) => string | undefined;
const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'return',
  'function',
  'def',
  'super',
  'print',
  'isinstance',
  'len',
  'range',
  'sorted',
  'str',
  'int',
  'String',
  'Number',
  'Math',
  'assert',
  'typeof',
  'new',
  'constructor',
  'set',
  'get',
  'Error',
  'RangeError',
  'ValueError',
  'Map',
  'Set',
]);

/** Calls of named functions in the atom body (not its own definition line). */
function calls(code: string): RegExpExecArray[] {
  const body = code.split('\n');
  const out: RegExpExecArray[] = [];
  let offset = 0;
  for (const line of body) {
    const definition =
      /^\s*(?:export\s+)?(?:async\s+)?(?:function|def|class)\b|^\s*(?:\w+\s*)\([^)]*\)\s*(?::\s*[\w<>[\]| ]+)?\s*\{\s*$/.test(
        line,
      );
    if (!definition && !/^\s*(?:\/\/|#|\*|\/\*)/.test(line))
      for (const m of line.matchAll(/(?<![.\w$])([A-Za-z_]\w*)\(([^()]*)\)/g))
        if (!KEYWORDS.has(m[1]!)) out.push(Object.assign(m, { index: offset + m.index }));
    offset += line.length + 1;
  }
  return out;
}

const FAULTS: Record<string, Mutation> = {
  syntax: (code) => {
    const i = code.lastIndexOf(')');
    return i < 0 ? undefined : code.slice(0, i) + code.slice(i + 1);
  },
  'undefined name': (code) => {
    const call = calls(code)[0];
    return call
      ? code.slice(0, call.index) + `${call[1]}Typo` + code.slice(call.index + call[1]!.length)
      : undefined;
  },
  'wrong arity': (code) => {
    const call = calls(code).find((c) => c[2]!.trim() !== '' && /[A-Za-z_]/.test(c[1]!));
    if (!call) return undefined;
    const args = call[2]!.split(',');
    const changed = args.length > 1 ? args.slice(0, -1).join(',') : `${call[2]}, 1, 2`;
    return (
      code.slice(0, call.index) + `${call[1]}(${changed})` + code.slice(call.index + call[0].length)
    );
  },
  'type error': (code, python) => {
    const m = /\breturn ([^;\n]+);?$/m.exec(code);
    if (!m || /^(?:this|self)?$/.test(m[1]!.trim())) return undefined;
    // A list where a scalar or object is expected: a type error in TS/checkJs, a runtime one in Python.
    const wrapped = python ? `return [${m[1]}]` : `return [${m[1]}];`;
    return code.slice(0, m.index) + wrapped + code.slice(m.index + m[0].length);
  },
  'wrong import path': (code, python) => {
    const m = python
      ? /^(\s*from\s+\.?[\w.]*?)(\w+)(\s+import)/m.exec(code)
      : /from '(\.[^']+?)(\.js)?'/.exec(code);
    if (!m) return undefined;
    const replaced = python ? `${m[1]}${m[2]}s${m[3]}` : `from '${m[1]}-old${m[2] ?? ''}'`;
    return code.slice(0, m.index) + replaced + code.slice(m.index + m[0].length);
  },
  'logic mutation': (code) => {
    for (const [from, to] of [
      [' + 1', ' + 2'],
      [' - ', ' + '],
      [' * ', ' + '],
      [' // ', ' / '],
      [' += ', ' -= '],
      ['% 11 === 0', '% 11 === 1'],
      [' < ', ' <= '],
      [' > ', ' >= '],
    ] as const) {
      // Only in code: an operator inside a comment or a string is not a mutation.
      for (let i = code.indexOf(from); i >= 0; i = code.indexOf(from, i + 1)) {
        const line = code.slice(code.lastIndexOf('\n', i) + 1, code.indexOf('\n', i) >>> 0);
        const before = code.slice(code.lastIndexOf('\n', i) + 1, i);
        if (
          /^\s*(?:\/\/|#|\*|\/\*)/.test(line) ||
          /['"`]/.test(before.replace(/(['"`])[^'"`]*\1/g, ''))
        )
          continue;
        return code.slice(0, i) + to + code.slice(i + from.length);
      }
    }
    return undefined;
  },
  'infinite loop': (code, python) => {
    const m = python
      ? /^(\s*)def [^\n]+:\n(?:\s*"""[^\n]*"""\n)?(\s+)/m.exec(code)
      : /^\s*(?:export\s+)?(?:function\s+\w+|\w+)\s*\([^)]*\)[^{\n;]*\{\n/m.exec(code);
    if (!m) return undefined;
    const at = m.index + m[0].length;
    return (
      code.slice(0, at) +
      (python ? `while True:\n${m[2]}    pass\n${m[2]}` : 'for (;;) {}\n') +
      code.slice(at)
    );
  },
};

interface Case {
  plan: string;
  fault: string;
  atomId: string;
}
interface Outcome extends Case {
  caughtAt: string | undefined;
  located: boolean;
  ms: number;
}

async function check(
  sources: PlanSources,
  fileIndex: number,
  atomIndex: number,
  code: string,
): Promise<{ level?: string; located: boolean }> {
  const file = sources.files[fileIndex]!;
  const atom = file.atoms[atomIndex]!;
  const start = file.atoms.slice(0, atomIndex).reduce((n, a) => n + a.code.length, 0);
  const fileText = file.atoms.map((a) => a.code).join('');
  if (
    validateAtom({
      file: file.path,
      fileText,
      start,
      end: start + atom.code.length,
      candidate: code,
    }).length > 0
  )
    return { level: 'atom', located: true };
  const mutated: PlanSources = {
    ...sources,
    files: sources.files.map((f, i) =>
      i !== fileIndex
        ? f
        : { ...f, atoms: f.atoms.map((a, j) => (j === atomIndex ? { ...a, code } : a)) },
    ),
  };
  const result = await validateHierarchy(mutated, { sandbox });
  return {
    ...(result.failedLevel ? { level: result.failedLevel } : {}),
    located: result.byAtom.has(atom.id),
  };
}

async function main(): Promise<void> {
  const perClass = Number(process.argv[process.argv.indexOf('--per-class') + 1]) || 4;
  const outcomes: Outcome[] = [];
  const falseAlarms: { plan: string; level: string | undefined }[] = [];
  for (const planPath of PLANS) {
    const plan = parsePlanText(readFileSync(path.join(ROOT, planPath), 'utf8'));
    const sources = draftPlanSources(plan);
    const baseline = await validateHierarchy(sources, { sandbox });
    if (!baseline.passed) falseAlarms.push({ plan: plan.name, level: baseline.failedLevel });
    const python = plan.language === 'python';
    for (const [fault, mutate] of Object.entries(FAULTS)) {
      const candidates: { f: number; a: number; code: string }[] = [];
      sources.files.forEach((file, f) =>
        file.atoms.forEach((atom, a) => {
          const code = mutate(atom.code, python);
          if (code !== undefined && code !== atom.code) candidates.push({ f, a, code });
        }),
      );
      const step = Math.max(1, candidates.length / perClass);
      for (let k = 0; k < Math.min(perClass, candidates.length); k++) {
        const c = candidates[Math.floor(k * step)]!;
        const started = performance.now();
        const verdict = await check(sources, c.f, c.a, c.code);
        outcomes.push({
          plan: plan.name,
          fault,
          atomId: sources.files[c.f]!.atoms[c.a]!.id,
          caughtAt: verdict.level,
          located: verdict.level !== undefined && verdict.located,
          ms: Math.round(performance.now() - started),
        });
      }
    }
  }
  const rows = Object.keys(FAULTS).map((fault) => {
    const of = outcomes.filter((o) => o.fault === fault);
    const caught = of.filter((o) => o.caughtAt);
    const levels: Record<string, number> = {};
    for (const o of caught) levels[o.caughtAt!] = (levels[o.caughtAt!] ?? 0) + 1;
    return {
      fault,
      injected: of.length,
      caught: caught.length,
      located: of.filter((o) => o.located).length,
      levels,
    };
  });
  const total = outcomes.length;
  const caught = outcomes.filter((o) => o.caughtAt).length;
  const located = outcomes.filter((o) => o.located).length;
  const summary = {
    plans: PLANS.length,
    injected: total,
    caught,
    caughtShare: caught / total,
    located,
    locatedShare: located / total,
    falseAlarms: falseAlarms.length,
    falseAlarmRate: falseAlarms.length / PLANS.length,
    rows,
    missed: outcomes.filter((o) => !o.caughtAt),
  };
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(
    '| fault class | injected | caught | L1 | L2 | L3 | L4 | pointed at the faulty atom |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.fault} | ${r.injected} | ${r.caught} (${Math.round((100 * r.caught) / Math.max(1, r.injected))}%) | ${r.levels.atom ?? 0} | ${r.levels.module ?? 0} | ${r.levels.component ?? 0} | ${r.levels.system ?? 0} | ${r.located} |`,
    );
  console.log(
    `| **all** | ${total} | ${caught} (${((100 * caught) / total).toFixed(1)}%) | | | | | ${located} (${((100 * located) / total).toFixed(1)}%) |`,
  );
  console.log(
    `\nfalse alarms on unmodified plans: ${falseAlarms.length} of ${PLANS.length}${falseAlarms.length ? ` ${JSON.stringify(falseAlarms)}` : ''}`,
  );
  for (const m of summary.missed) console.log(`missed: ${m.plan} ${m.fault} in ${m.atomId}`);
}

void main();
