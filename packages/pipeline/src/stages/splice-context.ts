import { listTaskAtoms, type AtomicUnit, type Db } from '@mge/db';

/**
 * The atom's file as it stands (validated code where there is some, drafts elsewhere) and the
 * atom's byte range in it: what L1 splices a candidate into.
 */
export async function spliceContext(
  db: Db,
  atom: AtomicUnit,
): Promise<{ fileText: string; start: number; end: number }> {
  const siblings = await listTaskAtoms(db, atom.taskId);
  let fileText = '';
  let start = 0;
  for (const sibling of siblings) {
    if (sibling.id === atom.id) start = fileText.length;
    fileText += sibling.id === atom.id ? atom.draftCode : (sibling.code ?? sibling.draftCode);
  }
  return { fileText, start, end: start + atom.draftCode.length };
}
