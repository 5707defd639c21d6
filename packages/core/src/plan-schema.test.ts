import { InvalidInputError } from './errors.js';
import { parsePlan, parsePlanText } from './plan-schema.js';

const task = { id: 'a', title: 'A', file: 'src/a.ts', code: 'export const a = 1;\n' };

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('expected the plan to be rejected');
}

describe('parsePlan', () => {
  it('accepts a minimal plan and fills defaults', () => {
    const plan = parsePlan({ name: 'p', language: 'typescript', tasks: [task] });
    expect(plan.tasks[0]).toEqual({ ...task, description: '', dependsOn: [] });
    expect(plan.tests).toEqual([]);
  });

  it('names every missing field with its path', () => {
    const message = problemOf(() =>
      parsePlan({ language: 'typescript', tasks: [{ id: 'a', file: 'a.ts' }] }),
    );
    expect(message).toContain('name:');
    expect(message).toContain('tasks[0].title:');
    expect(message).toContain('tasks[0].code:');
  });

  it('rejects an unknown language', () => {
    expect(problemOf(() => parsePlan({ name: 'p', language: 'cobol', tasks: [task] }))).toMatch(
      /^invalid plan:\nlanguage: /m,
    );
  });

  it('rejects duplicate ids, unknown dependencies and files of another language', () => {
    const message = problemOf(() =>
      parsePlan({
        name: 'p',
        language: 'python',
        tasks: [
          { ...task, file: 'a.py' },
          { ...task, file: 'b.ts', dependsOn: ['zzz'] },
        ],
      }),
    );
    expect(message).toContain('tasks[1].id: duplicate task id "a"');
    expect(message).toContain('tasks[1].dependsOn[0]: unknown task id "zzz"');
    expect(message).toContain('tasks[1].file: "b.ts" is not a python source file');
  });

  it.each([
    ['must be a relative path', '/etc/passwd'],
    ['".." segments', '../escape.ts'],
    ['".." segments', 'a/../../b.ts'],
    ['".." segments', './a.ts'],
    ['".." segments', 'a//b.ts'],
    ['must be a relative path', 'C:/x.ts'],
    ['must be a relative path', 'c:x.ts'],
    ['must use forward slashes', 'a\\b.ts'],
    ['NUL or control characters', 'a\u0000.ts'],
    ['NUL or control characters', 'src/a\n.ts'],
    ['NUL or control characters', 'src/\u001b[31m.ts'],
    ['NUL or control characters', 'a\u007f.ts'],
    ['at most 255 bytes', 'x'.repeat(256)],
    ['at most 255 bytes', `src/${'é'.repeat(128)}`],
    ['at most 500 characters', 'd/'.repeat(251)],
    ['must not be empty', ''],
  ])('refuses a task file whose path breaks the rule: %s', (reason, file) => {
    expect(
      problemOf(() => parsePlan({ name: 'p', language: 'typescript', tasks: [{ ...task, file }] })),
    ).toMatch(new RegExp(`tasks\\[0\\]\\.file: .*${reason.replace(/[[\]().]/g, '\\$&')}`));
  });

  it('checks test files with the same rules', () => {
    const message = problemOf(() =>
      parsePlan({
        name: 'p',
        language: 'typescript',
        tasks: [task],
        tests: [
          { file: 'test/ok.test.ts', code: '' },
          { file: 'test/\u0000.test.ts', code: '' },
          { file: '../up.test.ts', code: '' },
        ],
      }),
    );
    expect(message).toContain('tests[1].file: must not contain NUL or control characters');
    expect(message).toContain('tests[2].file: must not contain empty, "." or ".." segments');
    expect(message).not.toContain('tests[0]');
  });

  it('accepts unicode names up to 255 bytes a segment', () => {
    const file = `src/${'é'.repeat(126)}.ts`;
    expect(
      parsePlan({ name: 'p', language: 'typescript', tasks: [{ ...task, file }] }).tasks[0]!.file,
    ).toBe(file);
  });
});

describe('parsePlanText', () => {
  it('reads YAML and JSON alike', () => {
    const yaml =
      'name: p\nlanguage: javascript\ntasks:\n  - id: a\n    title: A\n    file: a.js\n    code: |\n      const a = 1;\n';
    expect(parsePlanText(yaml).tasks[0]!.code).toBe('const a = 1;\n');
    expect(
      parsePlanText(
        JSON.stringify({ name: 'p', language: 'javascript', tasks: [{ ...task, file: 'a.js' }] }),
      ).name,
    ).toBe('p');
  });

  it('says which format failed to decode', () => {
    expect(problemOf(() => parsePlanText('{"name": '))).toMatch(/^plan is not valid JSON/);
    expect(problemOf(() => parsePlanText('name: [unclosed'))).toMatch(/^plan is not valid YAML/);
  });
});
