import type { Diagnostic } from '@mge/core';
import {
  blockDependents,
  claimAttempt,
  completeAttempt,
  decrementAtomsRemaining,
  findPlan,
  isTerminal,
  listTaskAtoms,
  openReview,
  prerequisiteCode,
  recordValidation,
  rejectAttempt,
  releaseDependents,
  recordUsage,
  type AtomicUnit,
} from '@mge/db';
import { buildAtomPrompt } from '@mge/llm';
import { enqueue, enqueueMany, type JobContext, type Payload } from '@mge/queue';
import { validateAtom } from '@mge/validation';
import type { Resources } from '../resources.js';
import { finishGeneration } from './settle-atom.js';

/**
 * generate(atom, attempt): prompt the LLM with the atom's spec, its validated prerequisites and the
 * latest error; L1-validate the answer in place; then validated -> release dependents, or retry
 * with feedback, or (last attempt) fail, block dependents and open a human review.
 */
export async function generateAtom(
  r: Resources,
  { planId, atomId, attempt }: Payload<'generate'>,
  { logger, signal }: JobContext,
): Promise<void> {
  const plan = await findPlan(r.db, planId);
  if (!plan || isTerminal(plan.status)) return;
  const atom = await claimAttempt(r.db, atomId, attempt);
  if (!atom) {
    logger.info('nothing to do: attempt already settled');
    return;
  }

  const dependencies = (await prerequisiteCode(r.db, atomId)).map((d) => ({
    file: d.file,
    name: d.name,
    code: d.code ?? '',
  }));
  const { system, prompt } = buildAtomPrompt({
    planName: plan.name,
    planDigest: plan.input.description ?? '',
    file: atom.file,
    atomName: atom.name,
    atomKind: atom.kind,
    draftCode: atom.draftCode,
    dependencies,
    lastError:
      atom.diagnostics
        .map((d) => (d.line ? `line ${d.line}: ${d.message}` : d.message))
        .join('\n') || undefined,
  });
  const started = performance.now();
  const result = await r.llm.generate({
    planId,
    atomId,
    system,
    prompt,
    draftCode: atom.draftCode,
    complexity: atom.complexity,
    signal,
  });
  await recordUsage(r.db, {
    tenantId: plan.tenantId,
    planId,
    atomId,
    model: result.model,
    provider: r.llm.name,
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    cachedTokens: result.usage.cachedTokens,
  });

  const diagnostics = validateAtom({
    file: atom.file,
    ...(await spliceContext(r, atom)),
    candidate: result.text,
  });
  const durationMs = Math.round(performance.now() - started);
  await recordValidation(r.db, [
    {
      masterplanId: planId,
      atomId,
      level: 'atom',
      scope: atom.file,
      passed: diagnostics.length === 0,
      diagnostics,
      durationMs,
    },
  ]);

  if (diagnostics.length === 0) await accept(r, atom, attempt, result.text);
  else await reject(r, atom, attempt, diagnostics);
  logger.info({ attempt, passed: diagnostics.length === 0, durationMs }, 'atom attempt settled');
}

/** The atom's file as it stands (validated code where there is some, drafts elsewhere). */
async function spliceContext(
  r: Resources,
  atom: AtomicUnit,
): Promise<{ fileText: string; start: number; end: number }> {
  const siblings = await listTaskAtoms(r.db, atom.taskId);
  let fileText = '';
  let start = 0;
  for (const sibling of siblings) {
    if (sibling.id === atom.id) start = fileText.length;
    fileText += sibling.id === atom.id ? atom.draftCode : (sibling.code ?? sibling.draftCode);
  }
  return { fileText, start, end: start + atom.draftCode.length };
}

async function accept(
  r: Resources,
  atom: AtomicUnit,
  attempt: number,
  code: string,
): Promise<void> {
  const outcome = await r.db.transaction(async (tx) => {
    if (!(await completeAttempt(tx, atom.id, attempt, code))) return undefined;
    const ready = await releaseDependents(tx, atom);
    const remaining = await decrementAtomsRemaining(tx, atom.masterplanId, 1);
    return { ready, remaining };
  });
  if (!outcome) return;
  await enqueueMany(
    r.queues,
    'generate',
    outcome.ready.map((id) => ({ planId: atom.masterplanId, atomId: id, attempt: 1 })),
  );
  if (outcome.remaining === 0) await finishGeneration(r, atom.masterplanId);
}

async function reject(
  r: Resources,
  atom: AtomicUnit,
  attempt: number,
  diagnostics: Diagnostic[],
): Promise<void> {
  const final = attempt >= r.config.maxAttempts;
  const remaining = await r.db.transaction(async (tx) => {
    if (
      !(await rejectAttempt(tx, atom.id, attempt, {
        final,
        level: 'atom',
        diagnostics,
        errorCategory: 'syntax',
      }))
    )
      return undefined;
    if (!final) return null;
    await openReview(
      tx,
      atom.masterplanId,
      atom.id,
      `failed L1 validation on all ${attempt} attempts: ${diagnostics[0]?.message ?? ''}`,
    );
    const blocked = await blockDependents(tx, atom.masterplanId, atom.id);
    return decrementAtomsRemaining(tx, atom.masterplanId, 1 + blocked);
  });
  if (remaining === null)
    await enqueue(r.queues, 'generate', {
      planId: atom.masterplanId,
      atomId: atom.id,
      attempt: attempt + 1,
    });
  else if (remaining === 0) await finishGeneration(r, atom.masterplanId);
}
