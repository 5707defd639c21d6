import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { api, ApiError, unwrap } from '../api/client';
import { planScopedKeys } from '../api/keys';
import { pollInterval, useLiveProgress } from '../api/live';
import { queries } from '../api/queries';
import type { Diagnostic, ReviewAction } from '@mge/core/domain';
import type { ReviewItem } from '../api/types';
import { tenantScope } from '../auth/session';
import { Diagnostics } from '../atom/AtomPage';
import { CodeEditor, type LineProblem } from '../editor/CodeEditor';
import { languageOf } from '../editor/language';
import { buttonClass, ErrorNote, primaryButtonClass, StatusBadge } from '../ui/status';
import { useShortcuts } from './useShortcuts';

/**
 * The review queue of a plan: open reviews first. Keyboard: j/k move, a approve, e edit (then
 * "Save edit"), r regenerate (with the note), x reject. An edit is checked by the API at L1-L2; its
 * diagnostics show inline in the editor. A review may be about a test file instead of an atom (it
 * failed on code a reviewer approved): the same actions, on the test.
 */
export function ReviewPage({ planId }: { planId: string }) {
  const live = useLiveProgress(planId);
  const queue = useQuery({
    ...queries.reviewQueue(planId),
    refetchInterval: (q) => pollInterval(q.state.data?.planStatus, live.connected),
  });
  const items = [...(queue.data?.items ?? [])].sort(
    (a, b) => Number(b.status === 'open') - Number(a.status === 'open'),
  );
  const [index, setIndex] = useState(0);
  const item = items[Math.min(index, items.length - 1)];

  return (
    <section aria-labelledby="review-title" className="space-y-4">
      <header className="flex flex-wrap items-center gap-3">
        <h1 id="review-title" className="text-2xl font-semibold">
          Review queue
        </h1>
        {queue.data && <StatusBadge status={queue.data.planStatus} />}
        <span className="text-sm text-slate-700">
          {items.filter((i) => i.status === 'open').length} open of {items.length}
        </span>
        <Link href={`/plans/${planId}`} className="ml-auto text-sm text-sky-800 underline">
          Back to the plan
        </Link>
      </header>
      <ErrorNote error={queue.error} />
      {items.length === 0 && queue.data && <p>Nothing to review.</p>}
      <div className="grid gap-4 md:grid-cols-[18rem_1fr]">
        <ul
          aria-label="Reviews"
          className="max-h-[36rem] space-y-1 overflow-auto"
          data-testid="review-list"
        >
          {items.map((it, i) => (
            <li key={it.id}>
              <button
                type="button"
                aria-current={it === item}
                onClick={() => setIndex(i)}
                className={`w-full rounded border px-2 py-1 text-left text-sm ${it === item ? 'border-sky-600 bg-sky-50' : 'border-slate-200 bg-white'}`}
              >
                <div className="font-medium">{it.atom?.name ?? it.test?.file}</div>
                <div className="text-xs text-slate-700">
                  {it.atom?.file ?? 'test file'} · {it.status}
                </div>
              </button>
            </li>
          ))}
        </ul>
        {item && (
          <ReviewPanel
            key={item.id}
            item={item}
            planId={planId}
            move={(d) => setIndex((i) => Math.max(0, Math.min(items.length - 1, i + d)))}
          />
        )}
      </div>
    </section>
  );
}

function ReviewPanel({
  item,
  planId,
  move,
}: {
  item: ReviewItem;
  planId: string;
  move: (delta: number) => void;
}) {
  const client = useQueryClient();
  // A test's review (it failed on code a reviewer approved) has no atom: the test file is reviewed.
  const test = item.test;
  const file = item.atom?.file ?? test?.file ?? '';
  const [code, setCode] = useState(item.atom?.code ?? test?.code ?? '');
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState('');
  const [problems, setProblems] = useState<LineProblem[]>([]);
  const editorBox = useRef<HTMLDivElement>(null);
  const open = item.status === 'open';

  const review = useMutation({
    mutationFn: (body: ReviewAction) =>
      test
        ? unwrap(
            api.POST('/api/v2/review-queue/{planId}/tests', {
              params: { path: { planId } },
              body: { file: test.file, ...body },
            }),
          )
        : unwrap(
            api.POST('/api/v2/review/{atomId}', {
              params: { path: { atomId: item.atomId ?? '' } },
              body,
            }),
          ),
    onMutate: () => setProblems([]),
    onSuccess: () => {
      for (const queryKey of planScopedKeys(tenantScope(), planId))
        void client.invalidateQueries({ queryKey });
      setEditing(false);
      move(1);
    },
    onError: (err) => {
      const diagnostics =
        err instanceof ApiError
          ? (err.details as { diagnostics?: Diagnostic[] } | undefined)?.diagnostics
          : undefined;
      setProblems(
        diagnostics?.map((d) => ({
          ...(d.line ? { line: d.line } : {}),
          // A test file's check is L1 on the test, not on an atom (its level says `atom`).
          message: `${test ? 'test' : d.level}: ${d.message}`,
        })) ?? [],
      );
    },
  });
  const withNote = note.trim() ? { note: note.trim() } : {};
  const act = (action: 'approve' | 'regenerate' | 'reject') =>
    open && review.mutate({ action, ...withNote });
  const saveEdit = () => open && review.mutate({ action: 'edit', code, ...withNote });

  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    a: () => act('approve'),
    x: () => act('reject'),
    r: () => act('regenerate'),
    e: () => setEditing(true),
  });
  useEffect(() => {
    if (editing) editorBox.current?.querySelector<HTMLElement>('.cm-content')?.focus();
  }, [editing]);

  return (
    <div className="space-y-3" data-testid="review-panel">
      <div className="flex flex-wrap items-center gap-2">
        {item.atom ? (
          <>
            <h2 className="text-lg font-semibold">
              <Link href={`/atoms/${item.atomId}`} className="text-sky-800 underline">
                {item.atom.file}: {item.atom.name}
              </Link>
            </h2>
            <StatusBadge status={item.atom.status} />
            <span className="text-sm text-slate-700">
              attempts {item.atom.attempts} · review {item.status}
            </span>
          </>
        ) : (
          <>
            <h2 className="text-lg font-semibold">Test {file}</h2>
            <span className="text-sm text-slate-700">
              approve: known-bad, no longer run · redesign: the note goes to the test designer ·
              review {item.status}
            </span>
          </>
        )}
      </div>
      <p className="whitespace-pre-wrap text-sm">
        <strong>Reason:</strong> {item.reason}
      </p>
      {item.note && (
        <p className="text-sm">
          <strong>Note:</strong> {item.note}
        </p>
      )}
      {item.atom && <Diagnostics list={item.atom.diagnostics} />}
      <div ref={editorBox}>
        <CodeEditor
          value={code}
          onChange={setCode}
          language={languageOf(file)}
          label={test ? 'Test code under review' : 'Atom code under review'}
          readOnly={!editing}
          problems={problems}
          testId="review-editor"
        />
      </div>
      {problems.length > 0 && (
        <ul
          role="alert"
          className="space-y-1 rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900"
        >
          {problems.map((p, i) => (
            <li key={i}>
              {p.line ? `line ${p.line}: ` : ''}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <>
          <div>
            <label htmlFor="review-note" className="mb-1 block text-sm font-medium">
              Note (sent with the decision, e.g. what to change when{' '}
              {test ? 'redesigning' : 'regenerating'})
            </label>
            <input
              id="review-note"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              className="w-full rounded border border-slate-400 px-2 py-1 text-sm"
            />
          </div>
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              className={primaryButtonClass}
              aria-keyshortcuts="a"
              onClick={() => act('approve')}
              disabled={review.isPending}
            >
              Approve (a)
            </button>
            {editing ? (
              <button
                type="button"
                className={buttonClass}
                onClick={saveEdit}
                disabled={review.isPending}
              >
                Save edit
              </button>
            ) : (
              <button
                type="button"
                className={buttonClass}
                aria-keyshortcuts="e"
                onClick={() => setEditing(true)}
              >
                Edit (e)
              </button>
            )}
            <button
              type="button"
              className={buttonClass}
              aria-keyshortcuts="r"
              onClick={() => act('regenerate')}
              disabled={review.isPending}
            >
              {test ? 'Redesign' : 'Regenerate'} (r)
            </button>
            <button
              type="button"
              className={buttonClass}
              aria-keyshortcuts="x"
              onClick={() => act('reject')}
              disabled={review.isPending}
            >
              Reject (x)
            </button>
          </div>
          <p className="text-xs text-slate-600">j / k: next / previous review.</p>
        </>
      )}
      {problems.length === 0 && <ErrorNote error={review.error} />}
    </div>
  );
}
