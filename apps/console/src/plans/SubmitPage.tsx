import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { api, ApiError, unwrap } from '../api/client';
import { tenantScope } from '../auth/session';
import type { SubmittedPlan } from '../api/types';
import { CodeEditor, type LineProblem } from '../editor/CodeEditor';
import { primaryButtonClass } from '../ui/status';
import { problemLines } from './problem-lines';
import { TextFileInput } from '../ui/TextFileInput';

const EXAMPLE = `name: hello
language: typescript
tasks:
  - id: greet
    title: Greeting
    description: A greeting function
    file: src/greet.ts
    code: |
      export function greet(name: string): string {
        return \`Hello, \${name}!\`;
      }
    dependsOn: []
tests: []
`;

/** Paste a plan (YAML or JSON) and submit it; the API's problems show at their lines. */
export function SubmitPage() {
  const [text, setText] = useState(EXAMPLE);
  const [problems, setProblems] = useState<LineProblem[]>([]);
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const submit = useMutation({
    mutationFn: (body: string) => {
      const json = /^\s*[{[]/.test(body);
      return unwrap<SubmittedPlan>(
        api.POST('/api/v2/plans', {
          // The API parses YAML from a YAML media type and JSON through its JSON parser.
          body: body as never,
          bodySerializer: (b: unknown) => b as string,
          headers: { 'content-type': json ? 'application/json' : 'application/yaml' },
        }),
      );
    },
    onMutate: () => setProblems([]),
    onSuccess: (plan) => {
      void client.invalidateQueries({ queryKey: ['plans', tenantScope()] });
      navigate(`/plans/${plan.id}`);
    },
    onError: (err) => {
      const lines = err instanceof ApiError ? problemLines(text, err.details) : [];
      setProblems(lines.length ? lines : [{ message: err.message }]);
    },
  });

  return (
    <section aria-labelledby="submit-title" className="space-y-3">
      <h1 id="submit-title" className="text-2xl font-semibold">
        Submit a plan
      </h1>
      <p className="text-sm text-slate-700">
        Paste a plan in YAML or JSON: <code>name</code>, <code>language</code>, <code>tasks</code>{' '}
        (each with <code>id</code>, <code>file</code>, <code>code</code>, <code>dependsOn</code>)
        and <code>tests</code>.
      </p>
      <TextFileInput
        id="plan-file"
        label="Or upload a plan file"
        accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml"
        onText={setText}
      />
      <CodeEditor
        value={text}
        onChange={setText}
        language="yaml"
        label="Plan (YAML or JSON)"
        problems={problems}
        testId="plan-editor"
      />
      {problems.length > 0 && (
        <ul
          role="alert"
          aria-label="Problems"
          data-testid="problems"
          className="space-y-1 rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900"
        >
          {problems.map((p, i) => (
            <li key={i}>
              {p.line ? <strong>line {p.line}: </strong> : null}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className={primaryButtonClass}
        disabled={submit.isPending}
        onClick={() => submit.mutate(text)}
      >
        {submit.isPending ? 'Submitting…' : 'Submit'}
      </button>
    </section>
  );
}
