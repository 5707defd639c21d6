import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { queries } from '../api/queries';
import type { Diagnostic } from '@mge/core/domain';
import { CodeEditor } from '../editor/CodeEditor';
import { languageOf } from '../editor/language';
import { ErrorNote, StatusBadge } from '../ui/status';
import { AtomNeighbours } from './AtomNeighbours';
import { AttemptHistory } from './AttemptHistory';

/**
 * One atom: its diagnostics, every attempt (its error and the model's answer) with a diff between
 * any two versions of its code, the current code and its atomicity analysis.
 */
export function AtomPage({ id }: { id: string }) {
  const atom = useQuery({
    ...queries.atom(id),
    refetchInterval: (q) =>
      ['ready', 'running'].includes(q.state.data?.status ?? '') ? 2000 : false,
  });
  if (atom.error) return <ErrorNote error={atom.error} />;
  if (!atom.data) return <p>Loading…</p>;
  const a = atom.data;
  const language = languageOf(a.file);
  return (
    <article aria-labelledby="atom-title" className="space-y-5">
      <header className="flex flex-wrap items-center gap-3">
        <h1 id="atom-title" className="text-2xl font-semibold">
          {a.name}
        </h1>
        <StatusBadge status={a.status} />
        <span className="text-sm text-slate-700">
          {a.kind} in {a.file}:{a.startLine}-{a.endLine} · attempt {a.attempt} · {a.loc} lines ·
          complexity {a.complexity}
        </span>
        <Link href={`/plans/${a.planId}`} className="ml-auto text-sm text-sky-800 underline">
          Back to the plan
        </Link>
      </header>
      <Diagnostics list={a.diagnostics} />
      <AtomNeighbours atomId={a.id} planId={a.planId} />
      <AttemptHistory atomId={a.id} language={language} />
      <section aria-labelledby="code-title">
        <h2 id="code-title" className="mb-2 text-lg font-semibold">
          {a.code === null ? 'Drafted code (not generated yet)' : 'Generated code'}
        </h2>
        <CodeEditor
          value={a.code ?? a.draftCode}
          language={language}
          label="Atom code"
          readOnly
          testId="atom-code"
        />
      </section>
      {a.analysis && (
        <section aria-labelledby="analysis-title" className="text-sm">
          <h2 id="analysis-title" className="mb-2 text-lg font-semibold">
            Atomicity
          </h2>
          <p>
            {a.analysis.atomic ? 'Atomic' : 'Not atomic'}
            {a.analysis.scope && ` · scope ${a.analysis.scope}`} · context completeness{' '}
            {(a.analysis.contextCompleteness * 100).toFixed(0)}% · {a.analysis.criteriaPassed}{' '}
            criteria hold
          </p>
          {a.analysis.criteriaFailed.length > 0 && (
            <ul className="mt-1 list-disc pl-5">
              {a.analysis.criteriaFailed.map((f) => (
                <li key={f.criterion}>
                  {f.criterion}: {f.reason}
                </li>
              ))}
            </ul>
          )}
          <p className="mt-1">
            Defines {a.defines.join(', ') || 'nothing'} · uses {a.uses.join(', ') || 'nothing'}
          </p>
        </section>
      )}
    </article>
  );
}

export function Diagnostics({ list }: { list: Diagnostic[] | null }) {
  if (!list?.length) return null;
  return (
    <ul
      aria-label="Diagnostics"
      className="space-y-1 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950"
    >
      {list.map((d, i) => (
        <li key={i}>
          <strong>{d.level}</strong>
          {d.line ? ` line ${d.line}` : ''}: {d.message}
        </li>
      ))}
    </ul>
  );
}
