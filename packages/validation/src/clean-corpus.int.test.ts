import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePlanText } from '@mge/core';
import { draftPlanSources } from './draft-sources.js';
import { validateHierarchy } from './hierarchy.js';
import { DEFAULT_SANDBOX_LIMITS, type SandboxOptions } from './sandbox/limits.js';

/** One clean plan per import style and language: L2-L4 must all pass (no false alarm). */
const CORPUS = path.join(__dirname, '..', 'fixtures', 'clean-corpus');
const plans = readdirSync(CORPUS).sort();
const sandbox: SandboxOptions = {
  // The real sandbox; a machine without bubblewrap may opt into limits-only runs.
  allowWeak: process.env.MGE_SANDBOX_ALLOW_WEAK === 'true',
  limits: { ...DEFAULT_SANDBOX_LIMITS, wallClockMs: 20_000, cpuSeconds: 10 },
};
const load = (name: string) =>
  parsePlanText(readFileSync(path.join(CORPUS, name, 'plan.yaml'), 'utf8'));

jest.setTimeout(60_000);

describe('the clean corpus (every import style real code uses)', () => {
  it('covers every style in each language', () => {
    expect(plans).toEqual(
      expect.arrayContaining([
        'ts-extensionless',
        'ts-js-suffix',
        'ts-directory-index',
        'ts-import-type',
        'ts-default-namespace',
        'ts-export-star',
        'ts-json',
        'js-esm-extensionless',
        'js-commonjs',
        'js-json',
        'py-relative',
        'py-absolute',
        'py-src-layout',
      ]),
    );
  });

  it.each(plans)('validates %s at L2, L3 and L4 without a false alarm', async (name) => {
    const result = await validateHierarchy(draftPlanSources(load(name)), { sandbox });
    const failures = result.results.filter((r) => !r.passed).flatMap((r) => r.diagnostics);
    expect(failures).toEqual([]);
    expect(result.results.map((r) => r.level)).toContain('system');
    expect(result.passed).toBe(true);
  });

  it('blames a logic bug in an extensionless-import plan on the atom that holds it', async () => {
    const sources = draftPlanSources(load('ts-extensionless'));
    const money = sources.files.find((f) => f.path === 'src/money.ts')!;
    const buggy = money.atoms.find((a) => a.code.includes('sum + amount'))!;
    const mutated = {
      ...sources,
      files: sources.files.map((f) =>
        f !== money
          ? f
          : {
              ...f,
              atoms: f.atoms.map((a) =>
                a === buggy ? { ...a, code: a.code.replace('sum + amount', 'sum - amount') } : a,
              ),
            },
      ),
    };
    const result = await validateHierarchy(mutated, { sandbox });
    expect(result.failedLevel).toBe('system');
    expect([...result.byAtom.keys()]).toContain(buggy.id);
  });
});
