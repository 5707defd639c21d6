import { atomizeSource } from '@mge/atomizer';
import { fileLanguage } from '@mge/core';

/** One retrievable unit: an atom of a code file, a section of a text document, a plan's task. */
export interface RagDocument {
  /** Unique in its collection; re-indexing a document with the same id replaces it. */
  id: string;
  /** As given by the caller (a path, or a plan's task file). */
  file: string;
  /** The atom's qualified name, a task's title or a section's heading. */
  name: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** `typescript`, `python`, ..., or `text`. */
  language: string;
  /** What the text is: an atom kind (`function`, `class`, ...), `task`, `section`. */
  kind: string;
  /** What is embedded, ranked and returned. */
  text: string;
  /** What the code is for (its task's title and description), when known. */
  description?: string;
  /**
   * What is indexed and replaced together: `plan:<id>` for a completed plan's documents, the
   * file of an uploaded document. Re-indexing a group removes its earlier documents first.
   */
  group?: string;
}

/** Text chunks end at a blank line once they reach this many lines. */
const SECTION_LINES = 40;

/**
 * A file's retrievable units: one per atom for code (so a hit names a function or a block and its
 * lines), one per section for anything else (README, notes, uploaded documents). Import-only and
 * blank atoms are left out: they carry no behaviour worth retrieving.
 */
export function chunkFile(file: string, source: string): RagDocument[] {
  const language = fileLanguage(file);
  if (language === undefined) return chunkText(file, source);
  return atomizeSource(source, file)
    .atoms.filter(retrievable)
    .map((a) => atomDocument(`${file}#${a.ordinal}`, file, language, a));
}

/** Import-only and blank atoms carry no behaviour worth retrieving. */
export function retrievable(atom: { kind: string; code: string }): boolean {
  return atom.kind !== 'import' && atom.code.trim() !== '';
}

/** An atom of `file` as a document. */
export function atomDocument(
  id: string,
  file: string,
  language: string,
  atom: { name: string; startLine: number; endLine: number; kind: string; code: string },
): RagDocument {
  return {
    id,
    file,
    name: atom.name,
    startLine: atom.startLine,
    endLine: atom.endLine,
    language,
    kind: atom.kind,
    text: atom.code,
  };
}

/** Sections of about `SECTION_LINES` lines, cut at blank lines; named after their first line. */
export function chunkText(file: string, text: string): RagDocument[] {
  const lines = text.split('\n');
  const docs: RagDocument[] = [];
  let start = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end).join('\n');
    if (body.trim() !== '') {
      const heading = lines.slice(start, end).find((l) => l.trim() !== '') ?? '';
      docs.push({
        id: `${file}#${docs.length}`,
        file,
        name: heading.replace(/^[#\s]+/, '').slice(0, 80),
        startLine: start + 1,
        endLine: end,
        language: 'text',
        kind: 'section',
        text: body,
      });
    }
    start = end;
  };
  lines.forEach((line, i) => {
    if (i + 1 - start >= SECTION_LINES && line.trim() === '') flush(i + 1);
  });
  flush(lines.length);
  return docs;
}

/** The parts of a plan's task retrieval needs (a plan file's task or a MasterPlan's). */
export interface PlanTaskLike {
  id: string;
  title: string;
  description: string;
  file: string;
  code?: string | undefined;
}

/**
 * A plan's retrievable units: one per task (title, description, file: what the planner matches a
 * new requirement against) and one per atom of each task's code, with `file` the task's file.
 * Ids are prefixed by `planKey`, so re-indexing a plan replaces its documents.
 */
export function chunkPlan(planKey: string, tasks: readonly PlanTaskLike[]): RagDocument[] {
  return tasks.flatMap((task) => {
    const code = task.code ?? '';
    const atoms = code.trim() === '' ? [] : chunkFile(task.file, code);
    const description = taskDescription(task);
    return [
      taskDocument(`${planKey}:task:${task.id}`, task),
      ...atoms.map((a) => ({ ...a, id: `${planKey}:${a.id}`, description })),
    ];
  });
}

/** A task as a document: its title and description (what a new requirement is matched against). */
export function taskDocument(id: string, task: PlanTaskLike): RagDocument {
  return {
    id,
    file: task.file,
    name: task.title,
    startLine: 1,
    endLine: Math.max(1, (task.code ?? '').split('\n').length),
    language: fileLanguage(task.file) ?? 'text',
    kind: 'task',
    text: `${task.title}\n${task.description}`,
    description: taskDescription(task),
  };
}

/** What a task's code is for, short enough to stand next to each of its snippets. */
export function taskDescription(task: Pick<PlanTaskLike, 'title' | 'description'>): string {
  return `${task.title}${task.description ? `: ${task.description}` : ''}`.slice(0, 200);
}
