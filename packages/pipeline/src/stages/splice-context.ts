import { listTaskAtoms, type AtomicUnit, type Db } from '@mge/db';

export interface SpliceContext {
  fileText: string;
  start: number;
  end: number;
}

/**
 * The atom's file as it stands (validated code where there is some, drafts elsewhere) and the
 * atom's byte range in it: what L1 splices a candidate into.
 */
export async function spliceContext(db: Db, atom: AtomicUnit): Promise<SpliceContext> {
  const siblings = await listTaskAtoms(db, atom.taskId);
  return spliceFile(
    atom,
    siblings.map((s) => ({ id: s.id, code: s.code ?? s.draftCode })),
  );
}

/** `spliceContext` from the task's atoms in file order, each with its code as it stands. */
export function spliceFile(
  atom: Pick<AtomicUnit, 'id' | 'draftCode'>,
  siblings: readonly { id: string; code: string }[],
): SpliceContext {
  let fileText = '';
  let start = 0;
  for (const sibling of siblings) {
    if (sibling.id === atom.id) start = fileText.length;
    fileText += sibling.id === atom.id ? atom.draftCode : sibling.code;
  }
  return { fileText, start, end: start + atom.draftCode.length };
}
