import { promptHash } from './prompt-hash.js';
import {
  buildAtomPrompt,
  buildDraftPrompt,
  buildTaskPrompt,
  buildTestDesignPrompt,
  snippetText,
} from './prompts.js';

const atom = {
  planName: 'p',
  planDigest: '',
  file: 'src/a.ts',
  atomName: 'f',
  atomKind: 'function',
  draftCode: 'export function f() {}\n',
  dependencies: [],
};
const snippet = {
  file: 'src/old.ts',
  name: 'g',
  description: 'Old task: does g',
  code: 'export function g() { return 1; }',
};

describe('retrieved snippets in prompts', () => {
  it('shows each snippet before the specification, and none when there are none', () => {
    const { prompt } = buildAtomPrompt({ ...atom, snippets: [snippet] });
    expect(prompt).toContain(snippetText(snippet));
    expect(prompt.indexOf(snippet.code)).toBeLessThan(prompt.indexOf('Specification'));
    expect(buildAtomPrompt({ ...atom, snippets: [] }).prompt).toBe(buildAtomPrompt(atom).prompt);
    expect(buildAtomPrompt(atom).prompt).not.toContain('Related validated code');
  });

  it('gives prompts with other snippets another response-cache key', () => {
    const key = (snippets: (typeof snippet)[]) =>
      promptHash({ model: 'm', ...buildAtomPrompt({ ...atom, snippets }) });
    const other = { ...snippet, code: 'export function g() { return 2; }' };
    expect(key([snippet])).not.toBe(key([]));
    expect(key([snippet])).not.toBe(key([other]));
    expect(key([snippet])).toBe(key([{ ...snippet }]));
  });

  it('puts them into task prompts too', () => {
    const { prompt } = buildTaskPrompt({
      planName: 'p',
      planDigest: '',
      file: 'src/a.ts',
      title: 't',
      description: 'd',
      draftCode: 'x',
      dependencies: [],
      snippets: [snippet],
    });
    expect(prompt).toContain(snippetText(snippet));
  });
});

describe('the drafting prompt (a task without code)', () => {
  const input = {
    planName: 'library',
    planDigest: 'loans',
    file: 'src/catalog.ts',
    title: 'Catalog',
    description: 'add books, find by ISBN',
    subtasks: ['add', 'findByIsbn'],
    provides: ['Catalog'],
    consumes: [{ symbol: 'BookId', file: 'src/ids.ts' }],
    requirements: [
      { id: 'R2', text: 'find books by ISBN', acceptanceCriteria: ['an added book is found'] },
    ],
    dependencies: [{ file: 'src/ids.ts', code: 'export type BookId = string;\n' }],
    snippets: [snippet],
  };

  it('states the task, its contract, its requirements, its dependencies and the snippets', () => {
    const { system, prompt } = buildDraftPrompt(input);
    expect(system).toContain('Plan: library');
    expect(prompt).toContain('File to draft: src/catalog.ts');
    expect(prompt).toContain('It must provide (exported):\n- Catalog');
    expect(prompt).toContain('It uses:\n- BookId from src/ids.ts');
    expect(prompt).toContain('- R2: find books by ISBN (accepted when: an added book is found)');
    expect(prompt).toContain('Drafted files it depends on:\n// src/ids.ts\nexport type BookId');
    expect(prompt).toContain(snippetText(snippet));
    expect(prompt).not.toContain('Attempt');
  });

  it('carries the latest error only from the second attempt on', () => {
    const { prompt } = buildDraftPrompt({ ...input, attempt: 2, lastError: 'line 3: syntax' });
    expect(prompt).toMatch(/Attempt 2\. The previous draft failed validation:\nline 3: syntax\n/);
    expect(buildDraftPrompt({ ...input, dependencies: [] }).prompt).toContain(
      'It depends on no other file.',
    );
  });
});

describe("the test designer's prompt (a planned test file without code)", () => {
  const input = {
    planName: 'library',
    planDigest: 'loans',
    language: 'typescript',
    file: 'test/catalog.test.ts',
    covers: [
      { file: 'src/catalog.ts', title: 'Catalog', description: 'add books', provides: ['Catalog'] },
    ],
    requirements: [
      { id: 'R2', text: 'find books by ISBN', acceptanceCriteria: ['an added book is found'] },
    ],
  };

  it('states the file, the planned symbols and the acceptance criteria, and the test framework', () => {
    const { system, prompt } = buildTestDesignPrompt(input);
    expect(system).toContain('node:test');
    expect(prompt).toMatch(/^Test file to design: test\/catalog\.test\.ts\n/);
    expect(prompt).toContain('- src/catalog.ts: Catalog. add books Provides: Catalog');
    expect(prompt).toContain('- R2: find books by ISBN (accepted when: an added book is found)');
    expect(prompt).not.toContain('Attempt');
    expect(buildTestDesignPrompt({ ...input, language: 'python' }).system).toContain('pytest');
  });

  it('carries the latest error only from the second attempt on', () => {
    const { prompt } = buildTestDesignPrompt({ ...input, attempt: 2, lastError: 'line 1: syntax' });
    expect(prompt).toMatch(
      /Attempt 2\. The previous test file failed validation:\nline 1: syntax\n/,
    );
  });
});
