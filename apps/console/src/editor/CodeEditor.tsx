import { javascript } from '@codemirror/lang-javascript';
import { yaml } from '@codemirror/lang-yaml';
import { setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef } from 'react';

export type EditorLanguage = 'yaml' | 'typescript' | 'javascript' | 'python' | 'text';

/** A problem to show at a 1-based line (or at the top when it has none). */
export interface LineProblem {
  line?: number;
  message: string;
}

export function languageExtension(language: EditorLanguage): Extension {
  if (language === 'yaml') return yaml();
  if (language === 'typescript') return javascript({ typescript: true });
  if (language === 'javascript') return javascript();
  return [];
}

/** CodeMirror diagnostics of `problems`, each over its whole line. */
function toDiagnostics(state: EditorState, problems: readonly LineProblem[]): CmDiagnostic[] {
  return problems.map((p) => {
    const line = state.doc.line(Math.min(Math.max(p.line ?? 1, 1), state.doc.lines));
    return { from: line.from, to: line.to, severity: 'error', message: p.message };
  });
}

interface Props {
  value: string;
  onChange?: (value: string) => void;
  language: EditorLanguage;
  label: string;
  problems?: readonly LineProblem[];
  readOnly?: boolean;
  testId?: string;
}

/** CodeMirror 6 as a controlled React component; `problems` show inline as lint diagnostics. */
export function CodeEditor({
  value,
  onChange,
  language,
  label,
  problems = [],
  readOnly,
  testId,
}: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          languageExtension(language),
          EditorState.readOnly.of(Boolean(readOnly)),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is created once per language; `value` changes are applied below.
  }, [language, readOnly, label]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const diagnostics = toDiagnostics(editor.state, problems);
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
    // Bring the first problem into view (a long pasted plan is scrolled to its end).
    if (diagnostics[0])
      editor.dispatch({ effects: EditorView.scrollIntoView(diagnostics[0].from, { y: 'center' }) });
  }, [problems]);

  return (
    <div
      ref={host}
      data-testid={testId}
      className="overflow-hidden rounded border border-slate-300 bg-white text-sm"
    />
  );
}
