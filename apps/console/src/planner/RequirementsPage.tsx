import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { api, unwrap } from '../api/client';
import type { DiscoveryView } from '../api/types';
import { inputClass } from '../ui/Section';
import { ErrorNote, primaryButtonClass } from '../ui/status';
import { TextFileInput } from '../ui/TextFileInput';

/** Requirements in prose (typed or a file), sent to discovery: the planner analyses them. */
export function RequirementsPage() {
  const [text, setText] = useState('');
  const [, navigate] = useLocation();
  const start = useMutation({
    mutationFn: (requirements: string) =>
      unwrap<Pick<DiscoveryView, 'discoveryId' | 'status'>>(
        api.POST('/api/v1/discovery/start', { body: { requirements } }),
      ),
    onSuccess: (doc) => navigate(`/discovery/${doc.discoveryId}`),
  });

  return (
    <section aria-labelledby="requirements-title" className="space-y-3">
      <h1 id="requirements-title" className="text-2xl font-semibold">
        New plan from requirements
      </h1>
      <p className="text-sm text-slate-700">
        Describe what to build. The planner analyses the requirements (discovery), then writes a
        plan of phases, milestones and tasks for you to review and approve.
      </p>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate(text);
        }}
      >
        <div>
          <label htmlFor="requirements" className="mb-1 block text-sm font-medium">
            Requirements
          </label>
          <textarea
            id="requirements"
            required
            rows={14}
            value={text}
            onChange={(e) => setText(e.target.value)}
            className={`${inputClass} w-full font-mono`}
          />
        </div>
        <TextFileInput
          id="requirements-file"
          label="Or upload a text or Markdown file"
          accept=".md,.txt,text/plain,text/markdown"
          onText={setText}
        />
        <ErrorNote error={start.error} />
        <button
          type="submit"
          className={primaryButtonClass}
          disabled={start.isPending || !text.trim()}
        >
          {start.isPending ? 'Starting…' : 'Analyse the requirements'}
        </button>
      </form>
    </section>
  );
}
