import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef } from 'react';
import { languageExtension, type EditorLanguage } from './CodeEditor';

interface Props {
  before: string;
  after: string;
  language: EditorLanguage;
  label: string;
}

/** A read-only side-by-side diff (CodeMirror's merge view). */
export function DiffView({ before, after, language, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const extensions = [
      basicSetup,
      languageExtension(language),
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
    ];
    const merge = new MergeView({
      parent: host.current!,
      a: { doc: before, extensions },
      b: { doc: after, extensions },
    });
    return () => merge.destroy();
  }, [before, after, language]);
  return (
    <div
      ref={host}
      role="region"
      aria-label={label}
      data-testid="diff-view"
      className="overflow-auto rounded border border-slate-300 bg-white text-sm"
    />
  );
}
