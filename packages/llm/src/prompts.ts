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
    `Specification (drafted file to write or improve):\n${input.draftCode}`,
    input.lastError
      ? `Attempt ${input.attempt ?? 2}. The previous attempt failed validation:\n${input.lastError}\nFix that problem.`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { system, prompt };
}
