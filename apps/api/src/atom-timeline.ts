import type { AtomicUnit, AtomReviewDecision, AttemptUsage, RefusedAttempt } from '@mge/db';

/** How one attempt ended: refused by a check, accepted, or still with the model. */
export type AttemptOutcome = 'refused' | 'accepted' | 'running';

export interface AttemptView {
  attempt: number;
  outcome: AttemptOutcome;
  /** The level or category that refused it (`syntax`, `module`, ...); null unless refused. */
  errorCategory: string | null;
  /** The check's messages, one per line; null unless refused. */
  error: string | null;
  /** The model's answer; null while running or when it predates kept answers. */
  answer: string | null;
  at: string | null;
  /** What the attempt's LLM calls cost; null when none was recorded. */
  usage: Omit<AttemptUsage, 'attempt'> | null;
}

/**
 * An atom's attempts, oldest first, from its retry history (refused attempts with their error and
 * answer), its usage rows (cost per attempt) and its state (the latest attempt, when not refused,
 * is accepted with the atom's code or still running). `codeBy` says whose the current code is: the
 * model's accepted answer, or a reviewer's (approved or edited after the attempts ran out).
 */
export function atomTimeline(
  atom: Pick<AtomicUnit, 'id' | 'status' | 'attempt' | 'draftCode' | 'code'>,
  history: { refused: RefusedAttempt[]; usage: AttemptUsage[]; reviews: AtomReviewDecision[] },
) {
  const usage = new Map(history.usage.map(({ attempt, ...u }) => [attempt, u]));
  const attempts: AttemptView[] = history.refused.map((r) => ({
    attempt: r.attempt,
    outcome: 'refused',
    errorCategory: r.errorCategory,
    error: r.message,
    answer: r.answer,
    at: r.at.toISOString(),
    usage: usage.get(r.attempt) ?? null,
  }));
  const latestRefused = attempts.some((a) => a.attempt === atom.attempt);
  const open =
    atom.status === 'running' ? 'running' : atom.status === 'validated' ? 'accepted' : null;
  if (atom.attempt > 0 && !latestRefused && open)
    attempts.push({
      attempt: atom.attempt,
      outcome: open,
      errorCategory: null,
      error: null,
      answer: open === 'accepted' ? atom.code : null,
      at: null,
      usage: usage.get(atom.attempt) ?? null,
    });
  const lastReview = history.reviews.at(-1);
  const codeBy =
    atom.code === null
      ? null
      : open === 'accepted' && !latestRefused
        ? ('model' as const)
        : lastReview && ['approved', 'edited'].includes(lastReview.status)
          ? ('reviewer' as const)
          : ('model' as const);
  return {
    atomId: atom.id,
    status: atom.status,
    draftCode: atom.draftCode,
    code: atom.code,
    codeBy,
    attempts,
    reviews: history.reviews.map((r) => ({
      ...r,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
    })),
  };
}
