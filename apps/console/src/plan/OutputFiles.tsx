import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queries } from '../api/queries';
import { CodeEditor } from '../editor/CodeEditor';
import { languageOf } from '../editor/language';
import { ErrorNote, buttonClass } from '../ui/status';

interface Dir {
  dirs: Map<string, Dir>;
  files: { name: string; path: string; size: number }[];
}

/** Relative paths as a directory tree. */
function treeOf(files: readonly { path: string; size: number }[]): Dir {
  const root: Dir = { dirs: new Map(), files: [] };
  for (const f of files) {
    const parts = f.path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      if (!dir.dirs.has(part)) dir.dirs.set(part, { dirs: new Map(), files: [] });
      dir = dir.dirs.get(part)!;
    }
    dir.files.push({ name: parts[parts.length - 1]!, path: f.path, size: f.size });
  }
  return root;
}

/** The plan's output: download as a zip, and browse its files in a read-only editor. */
export function OutputFiles({ planId }: { planId: string }) {
  const files = useQuery(queries.outputFiles(planId));
  const first = files.data?.files.find((f) => f.path.startsWith('src/')) ?? files.data?.files[0];
  const [chosen, setChosen] = useState<string>();
  const selected = chosen ?? first?.path;
  const file = useQuery({
    ...queries.outputFile(planId, selected ?? ''),
    enabled: selected !== undefined,
  });

  const renderDir = (dir: Dir, depth: number) => (
    <ul className={depth ? 'ml-3' : ''}>
      {[...dir.dirs.entries()].map(([name, sub]) => (
        <li key={name}>
          <span className="font-medium text-slate-700">{name}/</span>
          {renderDir(sub, depth + 1)}
        </li>
      ))}
      {dir.files.map((f) => (
        <li key={f.path}>
          <button
            type="button"
            onClick={() => setChosen(f.path)}
            aria-current={f.path === selected ? 'true' : undefined}
            className={`rounded px-1 text-left text-sky-800 underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600 ${f.path === selected ? 'bg-sky-100' : ''}`}
          >
            {f.name}
          </button>{' '}
          <span className="text-xs text-slate-600">{f.size} B</span>
        </li>
      ))}
    </ul>
  );

  return (
    <section aria-labelledby="output-title" className="space-y-2">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="output-title" className="text-lg font-semibold">
          Output files
        </h2>
        <a href={`/api/v2/plans/${planId}/output.zip`} download className={buttonClass}>
          Download as zip
        </a>
      </div>
      <ErrorNote error={files.error} />
      {files.data && (
        <div className="grid gap-3 md:grid-cols-[16rem_1fr]">
          <nav
            aria-label="Output files"
            className="max-h-[32rem] overflow-auto rounded border border-slate-200 bg-white p-2 text-sm"
            data-testid="file-tree"
          >
            {renderDir(treeOf(files.data.files), 0)}
          </nav>
          <div className="min-w-0">
            <ErrorNote error={file.error} />
            {file.data && (
              <CodeEditor
                value={file.data.content}
                language={languageOf(file.data.path)}
                label={`${file.data.path} (read-only)`}
                readOnly
                testId="output-file"
              />
            )}
          </div>
        </div>
      )}
    </section>
  );
}
