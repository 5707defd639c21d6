/**
 * `mge plan validate` as a user runs it: the compiled CLI in its own process (run `npx tsc -b`
 * first), its JSON on stdout and its exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const MGE = path.resolve(__dirname, '..', '..', 'apps', 'cli', 'bin', 'mge.js');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mge-plan-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function mge(...args: string[]) {
  const r = spawnSync(process.execPath, [MGE, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const task = (id: string, file: string, dependsOn: string[] = [], requirementIds = ['R1']) => ({
  id,
  milestoneId: 'm1',
  title: id,
  description: '',
  file,
  dependsOn,
  requirementIds,
  provides: [],
  consumes: [],
  estimatedLoc: 20,
  subtasks: [],
});

const plan = (tasks: unknown[]) => ({
  name: 'p',
  language: 'python',
  phases: [{ id: 'p1', kind: 'core', goal: '' }],
  milestones: [{ id: 'm1', phaseId: 'p1', name: 'M', goal: '', dependsOn: [] }],
  tasks,
  tests: [{ file: 'tests/test_a.py', covers: ['a'] }],
});

const discovery = {
  domain: { name: 'D', description: '' },
  requirements: [
    { id: 'R1', text: 'one', priority: 'must', acceptanceCriteria: [] },
    { id: 'R2', text: 'two', priority: 'must', acceptanceCriteria: [] },
  ],
  boundedContexts: [],
  aggregates: [],
  domainEvents: [],
  services: [],
  assumptions: [],
  openQuestions: [],
  risks: [],
};

describe('mge plan validate', () => {
  it('prints the verdict as JSON and exits 0 for a valid plan', () => {
    const r = mge('plan', 'validate', write('ok.json', plan([task('a', 'a.py')])), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      coverage: { requirements: { total: 0, covered: 0, uncovered: [] } },
    });
  });

  it('exits 1 and names each error by its stable code, path and message', () => {
    const file = write('bad.json', plan([task('a', 'a.py', ['b']), task('b', '../b.py', ['a'])]));
    const r = mge('plan', 'validate', file, '--discovery', write('d.json', discovery), '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      valid: boolean;
      errors: { code: string }[];
      coverage: unknown;
    };
    expect(out.valid).toBe(false);
    expect(out.errors.map((e) => e.code)).toEqual([
      'unsafe_path',
      'dependency_cycle',
      'uncovered_requirement',
    ]);
    expect(out.coverage).toEqual({ requirements: { total: 2, covered: 1, uncovered: ['R2'] } });
  });

  it('exits 2 with the reason on stderr when the plan cannot be read', () => {
    const missing = mge('plan', 'validate', path.join(dir, 'nope.json'), '--json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json/);
    const broken = mge('plan', 'validate', write('broken.json', '{"name": '), '--json');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/not valid JSON/);
    expect(broken.stdout).toBe('');
  });

  it('exits 2 when the discovery document is not one', () => {
    const r = mge(
      'plan',
      'validate',
      write('ok2.json', plan([task('a', 'a.py')])),
      '--discovery',
      write('notdiscovery.json', { domain: {} }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a discovery document/);
  });

  it('prints a readable summary without --json', () => {
    const r = mge(
      'plan',
      'validate',
      write('nt.json', { ...plan([task('a', 'a.py')]), tests: [] }),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error {3}no_tests {2}tests/);
    expect(r.stdout).toMatch(/^invalid: 1 error\(s\)/m);
  });
});
