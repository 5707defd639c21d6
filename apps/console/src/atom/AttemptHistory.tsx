import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queries } from '../api/queries';
import type { AtomAttempts, AttemptView } from '../api/types';
import { DiffView } from '../editor/DiffView';
import type { EditorLanguage } from '../editor/CodeEditor';
import { ErrorNote } from '../ui/status';

/** A text the diff can show: the draft, an attempt's answer, a reviewer's code. */
interface Version {
  id: string;
  label: string;
  text: string;
}

/** Every version of the atom's code, oldest first: the draft, each kept answer, a reviewer's code. */
export function versionsOf(history: AtomAttempts): Version[] {
  const versions: Version[] = [{ id: 'draft', label: 'Drafted code', text: history.draftCode }];
  for (const a of history.attempts)
    if (a.answer !== null)
      versions.push({
        id: `attempt-${a.attempt}`,
        label: `Attempt ${a.attempt} (${a.outcome})`,
        text: a.answer,
      });
  if (history.code !== null && history.codeBy === 'reviewer')
    versions.push({ id: 'reviewer', label: "Reviewer's code", text: history.code });
  return versions;
}

const OUTCOME_STYLE: Record<AttemptView['outcome'], string> = {
  refused: 'bg-red-100 text-red-900',
  accepted: 'bg-emerald-100 text-emerald-900',
  running: 'bg-amber-100 text-amber-900',
};

function cost(usage: AttemptView['usage']): string {
  if (!usage) return 'no recorded call';
  const calls = usage.calls === 1 ? '1 call' : `${usage.calls} calls`;
  return `${calls} · ${usage.tokens.toLocaleString()} tokens · $${usage.dollars.toFixed(4)}${usage.simulated ? ' (simulated)' : ''}`;
}

/**
 * The atom's attempts (each refused one with its error and the model's answer) and a diff between
 * any two versions of its code, the latest two by default.
 */
export function AttemptHistory({ atomId, language }: { atomId: string; language: EditorLanguage }) {
  const history = useQuery({
    ...queries.attempts(atomId),
    refetchInterval: (q) =>
      ['ready', 'running'].includes(q.state.data?.status ?? '') ? 2000 : false,
  });
  if (history.error) return <ErrorNote error={history.error} />;
  if (!history.data) return <p>Loading attempts…</p>;
  const { attempts, reviews, codeBy } = history.data;
  return (
    <>
      <Comparison versions={versionsOf(history.data)} language={language} />
      <section aria-labelledby="attempts-title">
        <h2 id="attempts-title" className="mb-2 text-lg font-semibold">
          Attempts
        </h2>
        {attempts.length === 0 ? (
          <p className="text-sm text-slate-700">No attempt yet.</p>
        ) : (
          <ol className="space-y-3" data-testid="attempts">
            {attempts.map((a) => (
              <li
                key={a.attempt}
                aria-label={`Attempt ${a.attempt}: ${a.outcome}`}
                className="rounded border border-slate-300 bg-white p-3 text-sm"
              >
                <p className="flex flex-wrap items-center gap-2">
                  <strong>Attempt {a.attempt}</strong>
                  <span
                    className={`rounded px-2 py-0.5 text-xs font-medium ${OUTCOME_STYLE[a.outcome]}`}
                  >
                    {a.outcome}
                    {a.errorCategory ? ` at ${a.errorCategory}` : ''}
                  </span>
                  <span className="text-slate-700">{cost(a.usage)}</span>
                </p>
                {a.error && (
                  <pre className="mt-2 overflow-x-auto whitespace-pre-wrap rounded bg-red-50 p-2 text-xs text-red-950">
                    {a.error}
                  </pre>
                )}
                {a.answer !== null ? (
                  <details className="mt-2">
                    <summary className="cursor-pointer text-sky-800 underline">
                      The model's answer
                    </summary>
                    <pre className="mt-1 max-h-80 overflow-auto rounded bg-slate-50 p-2 text-xs">
                      {a.answer}
                    </pre>
                  </details>
                ) : (
                  a.outcome !== 'running' && (
                    <p className="mt-2 text-xs text-slate-700">
                      The answer was not kept (recorded before answers were).
                    </p>
                  )
                )}
              </li>
            ))}
          </ol>
        )}
        {codeBy === 'reviewer' && (
          <p className="mt-2 text-sm text-slate-700">
            The current code is a reviewer's, not a model answer.
          </p>
        )}
        {reviews.length > 0 && (
          <ul aria-label="Reviews" className="mt-2 list-disc pl-5 text-sm">
            {reviews.map((r, i) => (
              <li key={i}>
                {r.status} by {r.resolvedBy ?? 'someone'}
                {r.note ? `: “${r.note}”` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** Two selects and the diff between the versions they name. */
function Comparison({ versions, language }: { versions: Version[]; language: EditorLanguage }) {
  const last = versions.length - 1;
  const [from, setFrom] = useState<string>();
  const [to, setTo] = useState<string>();
  if (versions.length < 2) return null;
  const before = versions.find((v) => v.id === from) ?? versions[last - 1]!;
  const after = versions.find((v) => v.id === to) ?? versions[last]!;
  const select = (id: string, label: string, value: Version, set: (id: string) => void) => (
    <div>
      <label htmlFor={id} className="mr-2 text-sm font-medium">
        {label}
      </label>
      <select
        id={id}
        value={value.id}
        onChange={(e) => set(e.target.value)}
        className="rounded border border-slate-400 bg-white px-2 py-1 text-sm focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600"
      >
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            {v.label}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <section aria-labelledby="diff-title">
      <h2 id="diff-title" className="mb-2 text-lg font-semibold">
        Compare versions
      </h2>
      <div className="mb-2 flex flex-wrap gap-4">
        {select('diff-from', 'From', before, setFrom)}
        {select('diff-to', 'To', after, setTo)}
      </div>
      {before.text === after.text ? (
        <p className="text-sm text-slate-700">The two versions are the same.</p>
      ) : (
        <DiffView
          before={before.text}
          after={after.text}
          language={language}
          label={`Diff from ${before.label} to ${after.label}`}
        />
      )}
    </section>
  );
}
