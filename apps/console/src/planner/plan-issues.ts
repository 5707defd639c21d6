import type { MasterPlanDocument, PlanIssue } from '../api/types';

/** A validator issue placed at what it names: a task or milestone by id, and the field. */
export interface PlacedIssue extends PlanIssue {
  severity: 'error' | 'warning';
  /** The named entity's field (`dependsOn` for `tasks[2].dependsOn[0]`), if any. */
  field?: string;
}

export interface IssuesByEntity {
  tasks: Map<string, PlacedIssue[]>;
  milestones: Map<string, PlacedIssue[]>;
}

const ENTITY_PATH = /^(tasks|milestones)\[(\d+)\](?:\.(\w+))?/;

/** The task or milestone (and its field) a validator path names in `document`, if any. */
export function locate(
  document: MasterPlanDocument,
  path: string,
): { kind: 'tasks' | 'milestones'; id: string; field?: string } | undefined {
  const match = ENTITY_PATH.exec(path);
  if (!match) return undefined;
  const kind = match[1] as 'tasks' | 'milestones';
  const id = document[kind][Number(match[2])]?.id;
  if (id === undefined) return undefined;
  return { kind, id, ...(match[3] ? { field: match[3] } : {}) };
}

/**
 * The validator's errors and warnings by the task or milestone their path names (`tasks[2]...` is
 * the third task of the document validated); issues about the plan as a whole are left out.
 */
export function issuesByEntity(
  document: MasterPlanDocument,
  validation: { errors: PlanIssue[]; warnings: PlanIssue[] },
): IssuesByEntity {
  const placed: IssuesByEntity = { tasks: new Map(), milestones: new Map() };
  const place = (issue: PlanIssue, severity: PlacedIssue['severity']) => {
    const at = locate(document, issue.path);
    if (!at) return;
    const list = placed[at.kind].get(at.id) ?? [];
    list.push({ ...issue, severity, ...(at.field ? { field: at.field } : {}) });
    placed[at.kind].set(at.id, list);
  };
  for (const e of validation.errors) place(e, 'error');
  for (const w of validation.warnings) place(w, 'warning');
  return placed;
}

/** `"a, b  c"` -> `['a', 'b', 'c']`: ids typed in one field. */
export function idList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** A DOM id made from a plan id (which may hold any character but whitespace is not allowed). */
export function domId(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/\s/g, '_')}`;
}
