import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap } from '../api/client';
import type { operations } from '../api/schema';
import type { MasterplanEdited, MasterPlanDocument, MasterPlanTask } from '../api/types';
import { tenantScope } from '../auth/session';
import { inputClass, Section } from '../ui/Section';
import { buttonClass, ErrorNote, primaryButtonClass } from '../ui/status';
import { domId, idList, type IssuesByEntity, type PlacedIssue } from './plan-issues';

/** What is open: one form at a time (approval waits while one is open). */
export type Editing =
  | { kind: 'task'; id: string }
  | { kind: 'new-task'; milestoneId: string }
  | { kind: 'remove-task'; id: string }
  | { kind: 'milestone'; id: string }
  | null;

type EditBody = operations['patchApiV1MasterplanId']['requestBody']['content']['application/json'];
type Milestone = MasterPlanDocument['milestones'][number];
type Save = (body: EditBody, focusAfter: string) => void;

/**
 * Phases, their milestones, and each milestone's tasks, with the validator's issues at the task or
 * milestone they name. While the plan has not started (`editable`), a task or milestone can be
 * edited, a task added or removed: each save is a new version, validated again. Enter saves,
 * Escape cancels; focus returns to the button that opened the form.
 */
export function PlanOutline({
  planId,
  document: d,
  issues,
  editable,
  editing,
  setEditing,
  onSaved,
}: {
  planId: string;
  document: MasterPlanDocument;
  issues: IssuesByEntity;
  editable: boolean;
  editing: Editing;
  setEditing: (e: Editing) => void;
  onSaved: (version: number) => void;
}) {
  const client = useQueryClient();
  const [saved, setSaved] = useState('');
  // Where focus goes once a form closes (the button that opened it), after the outline re-renders.
  const [focusTarget, setFocusTarget] = useState<string>();
  useEffect(() => {
    if (editing || !focusTarget) return;
    globalThis.document.getElementById(focusTarget)?.focus();
    setFocusTarget(undefined);
  }, [editing, focusTarget]);
  const save = useMutation({
    mutationFn: ({ body }: { body: EditBody; focusAfter: string }) =>
      unwrap<MasterplanEdited>(
        api.PATCH('/api/v1/masterplan/{id}', { params: { path: { id: planId } }, body }),
      ),
    onSuccess: async (edited, { focusAfter }) => {
      // The plan view (document, validation, estimate, versions) and its diffs: refetched before
      // the form closes, so the outline never shows the version before the save.
      await client.invalidateQueries({ queryKey: ['plan', tenantScope(), { id: planId }] });
      setSaved(
        `Saved as version ${edited.version}: ${
          edited.validation.valid
            ? 'the plan validates.'
            : `${edited.validation.errors.length} validation error(s).`
        }`,
      );
      close(focusAfter);
      onSaved(edited.version);
    },
  });
  const close = (focusAfter: string) => {
    setEditing(null);
    save.reset();
    setFocusTarget(focusAfter);
  };
  const open = (e: Editing) => {
    save.reset();
    setSaved('');
    setEditing(e);
  };
  const form = {
    save: ((body, focusAfter) => save.mutate({ body, focusAfter })) as Save,
    cancel: close,
    pending: save.isPending,
    error: save.error,
  };
  const item = { document: d, editable, editing, open, form };
  const milestoneIds = new Set(d.milestones.map((m) => m.id));
  const orphans = d.tasks.filter((t) => !milestoneIds.has(t.milestoneId ?? ''));
  const taskItems = (tasks: MasterPlanTask[]) =>
    tasks.map((t) => (
      <TaskItem key={t.id} task={t} issues={issues.tasks.get(t.id) ?? []} {...item} />
    ));

  return (
    <Section id="outline" title="Phases, milestones and tasks">
      {d.description && <p className="mb-2 text-sm">{d.description}</p>}
      {editable && (
        <p className="mb-2 text-sm text-slate-700">
          Edit a task or milestone before approving: each save is a new version, validated again. In
          a form, Enter saves and Escape cancels.
        </p>
      )}
      <p role="status" className="mb-2 text-sm text-emerald-800" data-testid="edit-status">
        {saved}
      </p>
      <ol className="space-y-3" data-testid="outline">
        {d.phases.map((phase) => (
          <li key={phase.id}>
            <h3 className="font-semibold">
              {phase.id} ({phase.kind}): {phase.goal}
            </h3>
            <ol className="ml-4 space-y-2">
              {d.milestones
                .filter((m) => m.phaseId === phase.id)
                .map((m) => (
                  <MilestoneItem
                    key={m.id}
                    milestone={m}
                    issues={issues.milestones.get(m.id) ?? []}
                    {...item}
                  >
                    {taskItems(d.tasks.filter((t) => t.milestoneId === m.id))}
                  </MilestoneItem>
                ))}
            </ol>
          </li>
        ))}
        {orphans.length > 0 && (
          <li>
            <h3 className="font-semibold">Tasks outside any milestone</h3>
            <ul className="ml-4 space-y-1 text-sm">{taskItems(orphans)}</ul>
          </li>
        )}
      </ol>
    </Section>
  );
}

interface FormControls {
  save: Save;
  cancel: (focusAfter: string) => void;
  pending: boolean;
  error: unknown;
}

interface ItemProps {
  document: MasterPlanDocument;
  issues: PlacedIssue[];
  editable: boolean;
  editing: Editing;
  open: (e: Editing) => void;
  form: FormControls;
}

function MilestoneItem({
  milestone: m,
  document: d,
  issues,
  editable,
  editing,
  open,
  form,
  children,
}: ItemProps & { milestone: Milestone; children: ReactNode }) {
  const editId = domId('edit-milestone', m.id);
  const addId = domId('add-task', m.id);
  return (
    <Item
      kind="milestone"
      id={m.id}
      issues={issues}
      buttons={editable && !editing}
      onEdit={() => open({ kind: 'milestone', id: m.id })}
      summary={
        <h4 className="font-medium">
          {m.id} {m.name} — {m.goal}
          {m.dependsOn.length > 0 && ` (after ${m.dependsOn.join(', ')})`}
        </h4>
      }
    >
      {editing?.kind === 'milestone' && editing.id === m.id && (
        <MilestoneForm milestone={m} document={d} issues={issues} form={form} focusAfter={editId} />
      )}
      <ul className="ml-4 space-y-1 text-sm">{children}</ul>
      {editable && !editing && (
        <button
          type="button"
          id={addId}
          className={`${smallButton} ml-4 mt-1`}
          onClick={() => open({ kind: 'new-task', milestoneId: m.id })}
        >
          Add a task to {m.id}
        </button>
      )}
      {editing?.kind === 'new-task' && editing.milestoneId === m.id && (
        <TaskForm document={d} milestoneId={m.id} issues={[]} form={form} focusAfter={addId} />
      )}
    </Item>
  );
}

function TaskItem({
  task: t,
  document: d,
  issues,
  editable,
  editing,
  open,
  form,
}: ItemProps & { task: MasterPlanTask }) {
  const editId = domId('edit-task', t.id);
  const removing = editing?.kind === 'remove-task' && editing.id === t.id;
  const dependents = d.tasks.filter((o) => o.dependsOn.includes(t.id)).map((o) => o.id);
  return (
    <Item
      kind="task"
      id={t.id}
      issues={issues}
      buttons={editable && !editing}
      onEdit={() => open({ kind: 'task', id: t.id })}
      summary={
        <span>
          <strong>{t.title}</strong> <code>{t.file}</code> · ~{t.estimatedLoc} lines
          {t.dependsOn.length > 0 && ` · needs ${t.dependsOn.join(', ')}`}
          {t.requirementIds?.length ? ` · ${t.requirementIds.join(', ')}` : ''}
        </span>
      }
      actions={
        <button
          type="button"
          id={domId('remove-task', t.id)}
          className={smallButton}
          aria-label={`Remove task ${t.id}`}
          disabled={d.tasks.length === 1}
          onClick={() => open({ kind: 'remove-task', id: t.id })}
        >
          Remove
        </button>
      }
    >
      {editing?.kind === 'task' && editing.id === t.id && (
        <TaskForm task={t} document={d} issues={issues} form={form} focusAfter={editId} />
      )}
      {removing && (
        <div
          role="group"
          aria-label={`Remove task ${t.id}`}
          className="mt-1 space-y-2 rounded border border-red-300 bg-red-50 p-2"
          onKeyDown={(e) => {
            if (e.key === 'Escape') form.cancel(domId('remove-task', t.id));
          }}
        >
          <p>
            Remove task <code>{t.id}</code>?
            {dependents.length > 0 &&
              ` ${dependents.join(', ')} depend${dependents.length === 1 ? 's' : ''} on it and will not validate.`}
          </p>
          <ErrorNote error={form.error} />
          <div className="flex gap-2">
            <button
              type="button"
              autoFocus
              className={primaryButtonClass}
              disabled={form.pending}
              onClick={() => {
                const i = d.tasks.findIndex((o) => o.id === t.id);
                const next = d.tasks[i + 1] ?? d.tasks[i - 1];
                form.save(
                  { removeTasks: [t.id] },
                  next ? domId('edit-task', next.id) : 'outline-title',
                );
              }}
            >
              {form.pending ? 'Removing…' : 'Remove the task'}
            </button>
            <button
              type="button"
              className={buttonClass}
              onClick={() => form.cancel(domId('remove-task', t.id))}
            >
              Keep it
            </button>
          </div>
        </div>
      )}
    </Item>
  );
}

/**
 * A task or milestone in the outline: what it is, its Edit button (described by its issues) and
 * any other `actions`, the issues the validator placed at it, then `children` (its forms, tasks).
 */
function Item({
  kind,
  id,
  issues,
  buttons,
  onEdit,
  summary,
  actions,
  children,
}: {
  kind: 'task' | 'milestone';
  id: string;
  issues: PlacedIssue[];
  buttons: boolean;
  onEdit: () => void;
  summary: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const issuesId = domId(`${kind}-issues`, id);
  return (
    <li id={domId(kind, id)} data-testid={domId(kind, id)}>
      <div className="flex flex-wrap items-center gap-2">
        {summary}
        {buttons && (
          <>
            <button
              type="button"
              id={domId(`edit-${kind}`, id)}
              className={smallButton}
              aria-label={`Edit ${kind} ${id}`}
              aria-describedby={issues.length ? issuesId : undefined}
              onClick={onEdit}
            >
              Edit
            </button>
            {actions}
          </>
        )}
      </div>
      <IssueList id={issuesId} issues={issues} />
      {children}
    </li>
  );
}

/** The issues the validator placed at one task or milestone. */
function IssueList({ id, issues }: { id: string; issues: PlacedIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="ml-4 mt-1 space-y-0.5 text-sm" data-testid="issues">
      {issues.map((i) => (
        <li
          key={`${i.severity}:${i.code}@${i.path}`}
          className={i.severity === 'error' ? 'text-red-900' : 'text-amber-900'}
        >
          {i.severity === 'error' ? 'Error' : 'Warning'} <code>{i.code}</code>
          {i.field && (
            <>
              {' '}
              in <code>{i.field}</code>
            </>
          )}
          : {i.message}
        </li>
      ))}
    </ul>
  );
}

const smallButton =
  'rounded border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-50';

/** A form that saves on Enter (or its button) and cancels on Escape. */
function EditForm({
  label,
  form,
  focusAfter,
  onSubmit,
  children,
}: {
  label: string;
  form: FormControls;
  focusAfter: string;
  /** The edit to save, or a message saying why the fields cannot be saved. */
  onSubmit: () => EditBody | string | null;
  children: ReactNode;
}) {
  const [problem, setProblem] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = onSubmit();
    if (typeof body === 'string') return setProblem(body);
    setProblem('');
    if (body === null) form.cancel(focusAfter);
    else form.save(body, focusAfter);
  };
  return (
    <form
      aria-label={label}
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          form.cancel(focusAfter);
        }
      }}
      className="my-2 grid gap-2 rounded border border-sky-300 bg-sky-50 p-3 text-sm sm:grid-cols-2"
    >
      {children}
      <div className="space-y-2 sm:col-span-2">
        <ErrorNote error={problem || form.error} />
        <div className="flex gap-2">
          <button type="submit" className={primaryButtonClass} disabled={form.pending}>
            {form.pending ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className={buttonClass} onClick={() => form.cancel(focusAfter)}>
            Cancel
          </button>
        </div>
      </div>
    </form>
  );
}

/** A labelled input (or textarea) whose field the validator named is marked invalid. */
function Field({
  id,
  label,
  value,
  onChange,
  issues,
  hint,
  multiline,
  autoFocus,
  ...input
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  issues: PlacedIssue[];
  hint?: string;
  multiline?: boolean;
  autoFocus?: boolean;
  required?: boolean;
  maxLength?: number;
  type?: 'number';
  min?: number;
}) {
  const errors = issues.filter((i) => i.severity === 'error');
  const describedBy = [hint && `${id}-hint`, errors.length > 0 && `${id}-errors`]
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    value,
    autoFocus,
    'aria-invalid': errors.length > 0 || undefined,
    'aria-describedby': describedBy || undefined,
    className: `${errors.length ? inputClass.replace('border-slate-400', 'border-red-600') : inputClass} w-full`,
  };
  return (
    <div className={multiline ? 'sm:col-span-2' : undefined}>
      <label htmlFor={id} className="mb-1 block font-medium">
        {label}
      </label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} {...input} onChange={(e) => onChange(e.target.value)} />
      )}
      {hint && (
        <p id={`${id}-hint`} className="mt-0.5 text-xs text-slate-700">
          {hint}
        </p>
      )}
      {errors.length > 0 && (
        <p id={`${id}-errors`} className="mt-0.5 text-xs text-red-900">
          {errors.map((e) => `${e.code}: ${e.message}`).join('; ')}
        </p>
      )}
    </div>
  );
}

function Select({
  id,
  label,
  value,
  onChange,
  options,
  issues,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
  issues: PlacedIssue[];
}) {
  const known = options.some((o) => o.value === value);
  return (
    <div>
      <label htmlFor={id} className="mb-1 block font-medium">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={issues.some((i) => i.severity === 'error') || undefined}
        className={`${inputClass} w-full`}
      >
        {!known && <option value={value}>{value} (unknown)</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A task's editable fields as typed (the id only for a new task). */
type TaskFields = Record<
  | 'id'
  | 'title'
  | 'milestoneId'
  | 'file'
  | 'dependsOn'
  | 'requirementIds'
  | 'estimatedLoc'
  | 'description',
  string
>;

const taskFields = (t: MasterPlanTask | undefined, milestoneId: string): TaskFields => ({
  id: t?.id ?? '',
  title: t?.title ?? '',
  milestoneId: t?.milestoneId ?? milestoneId,
  file: t?.file ?? '',
  dependsOn: t?.dependsOn.join(', ') ?? '',
  requirementIds: t?.requirementIds?.join(', ') ?? '',
  estimatedLoc: String(t?.estimatedLoc ?? 50),
  description: t?.description ?? '',
});

/** The typed fields as task fields (lists split, the estimate a number). */
function taskValues(f: TaskFields): Record<Exclude<keyof TaskFields, 'id'>, unknown> {
  return {
    title: f.title.trim(),
    milestoneId: f.milestoneId,
    file: f.file.trim(),
    dependsOn: idList(f.dependsOn),
    requirementIds: idList(f.requirementIds),
    estimatedLoc: Number(f.estimatedLoc),
    description: f.description,
  };
}

/**
 * A form's fields, typed as strings: `bind(key, label)` gives the props of the labelled control of
 * one field (its DOM id, value, setter and the issues the validator placed at it).
 */
function useFields<K extends string>(
  initial: () => Record<K, string>,
  prefix: string,
  issues: PlacedIssue[],
) {
  const [fields, setFields] = useState(initial);
  const bind = (key: K, label: string) => ({
    id: `${prefix}-${key}`,
    label,
    value: fields[key],
    onChange: (v: string) => setFields((f) => ({ ...f, [key]: v })),
    issues: issues.filter((i) => i.field === key),
  });
  return { fields, bind };
}

/** The fields of `next` whose value differs from `before`'s, or null when none does. */
function changed<T extends Record<string, unknown>>(next: T, before: T): Partial<T> | null {
  const keys = Object.keys(next).filter(
    (k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]),
  );
  return keys.length ? (Object.fromEntries(keys.map((k) => [k, next[k]])) as Partial<T>) : null;
}

const idsHint = (what: string, ids: string[]) =>
  `${what} ids, comma-separated${ids.length ? ` (${what.toLowerCase()}s: ${ids.join(', ')})` : ''}.`;

/** Edits a task (only the fields changed are sent), or adds one to `milestoneId`. */
function TaskForm({
  task,
  document: d,
  milestoneId = '',
  issues,
  form,
  focusAfter,
}: {
  task?: MasterPlanTask;
  document: MasterPlanDocument;
  milestoneId?: string;
  issues: PlacedIssue[];
  form: FormControls;
  focusAfter: string;
}) {
  const { fields, bind } = useFields(
    () => taskFields(task, milestoneId),
    task ? domId('task-form', task.id) : 'new-task',
    issues,
  );
  const submit = (): EditBody | string | null => {
    const values = taskValues(fields);
    if (!Number.isInteger(values.estimatedLoc) || (values.estimatedLoc as number) < 0)
      return 'Estimated lines must be a whole number, 0 or more.';
    if (!task) {
      const id = fields.id.trim();
      if (d.tasks.some((t) => t.id === id))
        return `A task "${id}" already exists: choose another id, or edit that task.`;
      return { tasks: [{ id, ...values }] };
    }
    const edit = changed(values, taskValues(taskFields(task, milestoneId)));
    return edit && { tasks: [{ id: task.id, ...edit }] };
  };
  return (
    <EditForm
      label={task ? `Edit task ${task.id}` : `New task in ${milestoneId}`}
      form={form}
      focusAfter={focusAfter}
      onSubmit={submit}
    >
      {!task && (
        <Field
          {...bind('id', 'Id')}
          required
          maxLength={100}
          autoFocus
          hint="Unique in the plan; other tasks name it in their dependencies."
        />
      )}
      <Field {...bind('title', 'Title')} required maxLength={200} autoFocus={!!task} />
      <Select
        {...bind('milestoneId', 'Milestone')}
        options={d.milestones.map((m) => ({ value: m.id, label: `${m.id} ${m.name}` }))}
      />
      <Field {...bind('file', 'File')} required maxLength={500} />
      <Field {...bind('estimatedLoc', 'Estimated lines')} type="number" min={0} required />
      <Field
        {...bind('dependsOn', 'Depends on')}
        hint={idsHint(
          'Task',
          d.tasks.filter((t) => t.id !== task?.id).map((t) => t.id),
        )}
      />
      <Field
        {...bind('requirementIds', 'Requirements')}
        hint="Requirement ids it covers, comma-separated."
      />
      <Field {...bind('description', 'Description')} maxLength={10_000} multiline />
    </EditForm>
  );
}

/** Edits a milestone: name, phase, goal, the milestones it comes after. */
function MilestoneForm({
  milestone: m,
  document: d,
  issues,
  form,
  focusAfter,
}: {
  milestone: Milestone;
  document: MasterPlanDocument;
  issues: PlacedIssue[];
  form: FormControls;
  focusAfter: string;
}) {
  const { fields, bind } = useFields(
    () => ({ name: m.name, phaseId: m.phaseId, goal: m.goal, dependsOn: m.dependsOn.join(', ') }),
    domId('milestone-form', m.id),
    issues,
  );
  const submit = (): EditBody | null => {
    const next = { ...fields, name: fields.name.trim(), dependsOn: idList(fields.dependsOn) };
    const edit = changed(next, { ...m });
    return edit && { milestones: [{ id: m.id, ...edit }] };
  };
  return (
    <EditForm
      label={`Edit milestone ${m.id}`}
      form={form}
      focusAfter={focusAfter}
      onSubmit={submit}
    >
      <Field {...bind('name', 'Name')} required maxLength={200} autoFocus />
      <Select
        {...bind('phaseId', 'Phase')}
        options={d.phases.map((p) => ({ value: p.id, label: `${p.id} (${p.kind}): ${p.goal}` }))}
      />
      <Field
        {...bind('dependsOn', 'After milestones')}
        hint={idsHint(
          'Milestone',
          d.milestones.filter((o) => o.id !== m.id).map((o) => o.id),
        )}
      />
      <Field {...bind('goal', 'Goal')} maxLength={10_000} multiline />
    </EditForm>
  );
}
