import {
  blockDependents,
  claimAttempt,
  claimAttemptLookingUp,
  decrementAtomsRemaining,
  findAtomAndPlan,
  findAtomWithContext,
  latestRegenerateNote,
  openReview,
  rejectAttempt,
  releaseCurrentWave,
  settleInWaves,
  validateAttempt,
  type AtomContext,
  type AtomicUnit,
  type Db,
  type Masterplan,
} from '@mge/db';
import { buildAtomPrompt } from '@mge/llm';
import type { JobContext, Payload, PlanEvent } from '@mge/queue';
import { validateAtom } from '@mge/validation';
import { effects, generateJobs, type Effects } from '../runtime/effects.js';
import { atomEvents } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';
import { feedbackText } from './attempt-decision.js';
import { promptSnippets } from './prompt-snippets.js';
import { runGeneration, type GenerationAdapter, type Rejection } from './generation-engine.js';
import { spliceFile } from './splice-context.js';

/**
 * V2 atoms on the generation engine: the prompt holds the atom's spec, the validated code of its
 * prerequisites and the latest error; L1 checks the answer spliced into its file (both read with
 * the atom, in one statement). Accepted: the atom is validated and releases its dependents.
 * Failed for good: it opens a human review and blocks every transitive dependent.
 */
export const atomGeneration: GenerationAdapter<AtomicUnit & AtomContext> = {
  load: findAtomWithContext,
  // The hot path: plan and atom in one read, the response cache read with the claim.
  async loadWithPlan(db, id, planId) {
    const found = await findAtomAndPlan(db, id, planId);
    return found && { plan: found.plan, subject: found.atom };
  },
  subject: ({ id, file, draftCode, complexity }) => ({
    kind: 'atom',
    id,
    file,
    draftCode,
    complexity,
  }),
  async prompt(r, plan, atom, attempt) {
    const dependencies = atom.prerequisites.map((d) => ({ ...d, code: d.code ?? '' }));
    const snippets = await promptSnippets(r, plan, {
      kind: 'atom',
      id: atom.id,
      query: `${atom.kind} ${atom.name} in ${atom.file}\n${atom.draftCode}`,
    });
    return buildAtomPrompt({
      planName: plan.name,
      planDigest: plan.input.description ?? '',
      file: atom.file,
      atomName: atom.name,
      atomKind: atom.kind,
      draftCode: atom.draftCode,
      dependencies,
      snippets,
      attempt,
      // Feedback only from attempt 2 on: the latest error, never a transcript.
      lastError: attempt > 1 ? feedbackText(atom.diagnostics) || undefined : undefined,
      // Only a review can grant an attempt beyond the budget, so only then is there a note to read.
      reviewerNote:
        attempt > r.config.maxAttempts ? await latestRegenerateNote(r.db, atom.id) : undefined,
    });
  },
  claim: async (db, atom, attempt) => {
    const claimed = await claimAttempt(db, atom.id, attempt);
    return claimed && { ...atom, ...claimed };
  },
  async claimLookingUp(db, atom, attempt, call) {
    const claimed = await claimAttemptLookingUp(db, atom.id, attempt, call);
    return claimed && { subject: { ...atom, ...claimed.atom }, cached: claimed.cached };
  },
  running: (atom, attempt) => atomEvents([atom.id], 'running', attempt),
  checker(_db, atom) {
    const context = spliceFile(atom, atom.siblings);
    return Promise.resolve((candidate) => validateAtom({ file: atom.file, ...context, candidate }));
  },
  maxAttempts: (config) => config.maxAttempts,
  accept(db, plan, atom, attempt, code, validation) {
    const run = async (tx: Db) => {
      const { scheduling } = plan;
      const settled = await validateAttempt(tx, atom, attempt, code, { scheduling, validation });
      if (!settled) return undefined;
      const events = atomEvents([atom.id], 'validated', attempt);
      return release(tx, plan, [atom.id], settled.ready, settled.remaining, events);
    };
    // Eager scheduling settles in one statement; waves also move the wave barrier: a transaction.
    return plan.scheduling === 'eager' ? run(db) : db.transaction(run);
  },
  async retry(tx, plan, atom, attempt, rejection) {
    if (!(await rejectL1(tx, atom, attempt, rejection, false))) return undefined;
    return effects(plan.id, {
      events: atomEvents([atom.id], 'ready', attempt),
      jobs: generateJobs(plan.id, [atom.id], () => attempt + 1),
    });
  },
  async fail(tx, plan, atom, attempt, rejection) {
    const { diagnostics } = rejection;
    if (!(await rejectL1(tx, atom, attempt, rejection, true))) return undefined;
    await openReview(
      tx,
      plan.id,
      atom.id,
      `failed L1 validation on all ${attempt} attempts: ${diagnostics[0]?.message ?? ''}`,
    );
    const blocked = await blockDependents(tx, plan.id, atom.id);
    const settled = [atom.id, ...blocked];
    const remaining = await decrementAtomsRemaining(tx, plan.id, settled.length);
    return release(tx, plan, settled, [], remaining, [
      ...atomEvents([atom.id], 'failed', attempt),
      ...atomEvents(blocked, 'blocked'),
    ]);
  },
};

/** running -> ready (a retry is due) or failed (final), with a retry-history row; once. */
function rejectL1(
  tx: Db,
  atom: AtomicUnit,
  attempt: number,
  { diagnostics, answer }: Rejection,
  final: boolean,
): Promise<boolean> {
  return rejectAttempt(tx, atom.id, attempt, {
    final,
    level: 'atom',
    diagnostics: [...diagnostics],
    errorCategory: 'syntax',
    answer,
  });
}

/**
 * After settled atoms were counted down (`remaining`: the plan's atoms still open), in the
 * caller's transaction: for waves scheduling, their waves' counters and the next wave's release.
 * The effects: the settled atoms' events, then the released atoms (ready, enqueued), and the
 * finish step when the plan's last atom settled.
 */
async function release(
  tx: Db,
  plan: Masterplan,
  settled: string[],
  released: string[],
  remaining: number,
  events: PlanEvent[],
): Promise<Effects> {
  let ready = released;
  if (plan.scheduling === 'waves') {
    await settleInWaves(tx, plan.id, settled);
    ready = await releaseCurrentWave(tx, plan.id);
  }
  return effects(plan.id, {
    events: [...events, ...atomEvents(ready, 'ready', 0)],
    jobs: generateJobs(plan.id, ready),
    finished: remaining === 0,
  });
}

/** generate(atom, attempt) on the generation engine. */
export function generateAtom(
  r: Resources,
  { planId, atomId, attempt }: Payload<'generate'>,
  context: JobContext,
): Promise<Effects | undefined> {
  return runGeneration(atomGeneration, r, { planId, id: atomId, attempt }, context);
}
