export interface AtomPromptInput {
  planName: string;
  planDigest: string;
  file: string;
  atomName: string;
  atomKind: string;
  draftCode: string;
  /** Validated code of the atom's prerequisites. */
  dependencies: readonly { file: string; name: string; code: string }[];
  /** Only the latest error, never the transcript of earlier attempts. */
  lastError?: string | undefined;
  /** Which attempt this is; retries say so, which also keeps their prompts (and cache keys) apart. */
  attempt?: number;
  /** A human reviewer's note when the atom was sent back from the review queue. */
  reviewerNote?: string | undefined;
  /** Retrieved code of earlier plans, examples and documents, already within its token budget. */
  snippets?: readonly PromptSnippet[];
}

/** A retrieved snippet (@mge/rag), as much of it as a prompt shows. */
export interface PromptSnippet {
  file: string;
  name: string;
  description: string;
  code: string;
}

/** How a snippet reads in a prompt: where it is from, what it is for, then its code. */
export function snippetText(s: PromptSnippet): string {
  const about = s.description ? ` (${s.description})` : '';
  return `// ${s.file} :: ${s.name}${about}\n${s.code}`;
}

/**
 * The retrieved-snippets section of a prompt, or '' when there are none: atom and task prompts
 * use it, and so should every other prompt that carries snippets (discovery, masterplan, drafts).
 */
export function snippetSection(snippets: readonly PromptSnippet[] | undefined): string {
  if (!snippets || snippets.length === 0) return '';
  const body = snippets.map(snippetText).join('\n\n');
  return `Related validated code from earlier plans and references (for reference only; do not copy names that are not in scope):\n${body}`;
}

/**
 * Builds the prompt for one atom. The system part is stable across the atoms of a plan
 * (cacheable); the prompt holds the atom's own spec, its dependencies and the latest error.
 */
export function buildAtomPrompt(input: AtomPromptInput): { system: string; prompt: string } {
  const system = [
    'You write one small unit of code (an "atom") of a larger codebase.',
    'Answer with the code of the atom only: no prose, no Markdown fences.',
    `Plan: ${input.planName}`,
    input.planDigest,
  ].join('\n');
  const dependencies = input.dependencies
    .map((d) => `// ${d.file} :: ${d.name}\n${d.code}`)
    .join('\n\n');
  const prompt = [
    `File: ${input.file}`,
    `Atom: ${input.atomKind} ${input.atomName}`,
    dependencies
      ? `Validated code it depends on:\n${dependencies}`
      : 'It depends on no other atom.',
    snippetSection(input.snippets),
    `Specification (drafted code to write or improve):\n${input.draftCode}`,
    input.lastError
      ? `Attempt ${input.attempt ?? 2}. The previous attempt failed validation:\n${input.lastError}\nFix that problem.`
      : '',
    input.reviewerNote ? `A human reviewer asked for another attempt:\n${input.reviewerNote}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { system, prompt };
}

export interface TaskPromptInput {
  planName: string;
  planDigest: string;
  file: string;
  title: string;
  description: string;
  /** The task's whole drafted file. */
  draftCode: string;
  /** Drafted files of the tasks it depends on (MVP mode has no validated code to offer yet). */
  dependencies: readonly { file: string; code: string }[];
  lastError?: string | undefined;
  attempt?: number;
  /** Retrieved code of earlier plans, examples and documents, already within its token budget. */
  snippets?: readonly PromptSnippet[];
}

/**
 * Builds the prompt for a whole task (MVP mode: one call writes one file). Same layout as the
 * atom prompt: a stable system part per plan, then the task, its context and the latest error.
 */
export function buildTaskPrompt(input: TaskPromptInput): { system: string; prompt: string } {
  const system = [
    'You write one source file of a larger codebase.',
    'Answer with the complete file only: no prose, no Markdown fences.',
    `Plan: ${input.planName}`,
    input.planDigest,
  ].join('\n');
  const dependencies = input.dependencies.map((d) => `// ${d.file}\n${d.code}`).join('\n\n');
  const prompt = [
    `File: ${input.file}`,
    `Task: ${input.title}`,
    input.description,
    dependencies ? `Files it depends on:\n${dependencies}` : 'It depends on no other file.',
    snippetSection(input.snippets),
    `Specification (drafted file to write or improve):\n${input.draftCode}`,
    input.lastError
      ? `Attempt ${input.attempt ?? 2}. The previous attempt failed validation:\n${input.lastError}\nFix that problem.`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { system, prompt };
}

export interface DraftPromptInput {
  planName: string;
  planDigest: string;
  file: string;
  title: string;
  description: string;
  subtasks?: readonly string[];
  /** Symbols the file must define (and export) for the tasks that consume from it. */
  provides?: readonly string[];
  /** Symbols it uses and the file each comes from. */
  consumes?: readonly { symbol: string; file: string }[];
  /** The requirements it covers, with their acceptance criteria. */
  requirements?: readonly { id: string; text: string; acceptanceCriteria: readonly string[] }[];
  /** Drafted files of the tasks it depends on (drafted before it). */
  dependencies: readonly { file: string; code: string }[];
  snippets?: readonly PromptSnippet[];
  lastError?: string | undefined;
  attempt?: number;
}

/**
 * Builds the prompt that drafts a task's file from its task in a MasterPlan (no code yet): the
 * task, what it must provide and consume, the requirements it covers, its dependencies' drafted
 * files, retrieved snippets and the latest error only. Same layout as the task prompt.
 */
export function buildDraftPrompt(input: DraftPromptInput): { system: string; prompt: string } {
  const system = [
    'You draft one source file of a larger codebase from its task in a plan.',
    'Answer with the complete file only: no prose, no Markdown fences.',
    'Define and export every symbol the task provides; import what it consumes from the files named.',
    `Plan: ${input.planName}`,
    input.planDigest,
  ].join('\n');
  const list = (title: string, items: readonly string[] | undefined) =>
    items && items.length > 0 ? `${title}\n${items.map((i) => `- ${i}`).join('\n')}` : '';
  const dependencies = input.dependencies.map((d) => `// ${d.file}\n${d.code}`).join('\n\n');
  const prompt = [
    `File to draft: ${input.file}`,
    `Task: ${input.title}`,
    input.description,
    list('Subtasks:', input.subtasks),
    list('It must provide (exported):', input.provides),
    list(
      'It uses:',
      input.consumes?.map((c) => `${c.symbol} from ${c.file}`),
    ),
    list(
      'Requirements it covers:',
      input.requirements?.map(
        (q) =>
          `${q.id}: ${q.text}${q.acceptanceCriteria.length > 0 ? ` (accepted when: ${q.acceptanceCriteria.join('; ')})` : ''}`,
      ),
    ),
    dependencies ? `Drafted files it depends on:\n${dependencies}` : 'It depends on no other file.',
    snippetSection(input.snippets),
    input.lastError
      ? `Attempt ${input.attempt ?? 2}. The previous draft failed validation:\n${input.lastError}\nFix that problem.`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { system, prompt };
}

export interface TestDesignPromptInput {
  planName: string;
  planDigest: string;
  language: string;
  /** The test file to write. */
  file: string;
  /** The tasks it covers: their files and the symbols they provide, as planned (no code). */
  covers: readonly {
    file: string;
    title: string;
    description: string;
    provides: readonly string[];
  }[];
  /** The requirements those tasks cover, with their acceptance criteria. */
  requirements: readonly { id: string; text: string; acceptanceCriteria: readonly string[] }[];
  lastError?: string | undefined;
  attempt?: number;
}

/**
 * Builds the test designer's prompt: one planned test file written from the acceptance criteria
 * of the requirements its tasks cover and the symbols those tasks provide, as planned. It never
 * carries drafted code (tests are designed before and independently of the code they grade).
 */
export function buildTestDesignPrompt(input: TestDesignPromptInput): {
  system: string;
  prompt: string;
} {
  const python = input.language === 'python';
  const system = [
    'You design one test file of a larger codebase from its requirements, before the code exists.',
    'Answer with the complete file only: no prose, no Markdown fences.',
    python
      ? 'Write plain pytest test functions with assert statements.'
      : "Use node:test (`import { test } from 'node:test'`) and node:assert/strict.",
    'Test the behaviour the acceptance criteria state, through the symbols named; import each from its file.',
    `Plan: ${input.planName}`,
    input.planDigest,
  ].join('\n');
  const covers = input.covers
    .map(
      (c) =>
        `- ${c.file}: ${c.title}. ${c.description}${c.provides.length > 0 ? ` Provides: ${c.provides.join(', ')}` : ''}`,
    )
    .join('\n');
  const requirements = input.requirements
    .map(
      (q) =>
        `- ${q.id}: ${q.text}${q.acceptanceCriteria.length > 0 ? ` (accepted when: ${q.acceptanceCriteria.join('; ')})` : ''}`,
    )
    .join('\n');
  const prompt = [
    `Test file to design: ${input.file}`,
    covers ? `Files it tests (planned, not yet written):\n${covers}` : '',
    requirements ? `Acceptance criteria to test:\n${requirements}` : '',
    input.lastError
      ? `Attempt ${input.attempt ?? 2}. The previous test file failed validation:\n${input.lastError}\nFix that problem.`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { system, prompt };
}
