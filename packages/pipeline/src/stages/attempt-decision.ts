import type { Diagnostic } from '@mge/core';

/** What happens to one generation attempt. */
export type AttemptDecision = CallDecision | CheckedDecision;

/** Before paying. */
export type CallDecision =
  /** Within budget: claim the attempt and make the call. */
  | { kind: 'call' }
  /** The call could cross the plan's budget: pause the plan, touch nothing else. */
  | { kind: 'pause-for-budget'; reason: string };

/** After the answer's check. */
export type CheckedDecision =
  /** The answer passed its check. */
  | { kind: 'accept' }
  /** The answer failed its check and attempts are left: the next one gets these diagnostics. */
  | { kind: 'retry-with-feedback'; diagnostics: readonly Diagnostic[] }
  /** The answer failed its check on the last attempt (or one granted beyond the budget). */
  | { kind: 'final-failure'; diagnostics: readonly Diagnostic[] };

/** A plan's budget and spending (null: no cap). */
export interface BudgetState {
  budgetDollars: number | null;
  budgetTokens: number | null;
  spentDollars: number;
  spentTokens: number;
}

/** Before paying: the plan's spending and an upper estimate of the call. */
export interface BeforeCall {
  phase: 'before-call';
  plan: BudgetState;
  estimate: { tokens: number; dollars: number };
}

/** After the check of the answer. */
export interface Checked {
  phase: 'checked';
  attempt: number;
  maxAttempts: number;
  diagnostics: readonly Diagnostic[];
}

/**
 * The attempt decision, pure: before the call, pause when it could push the plan past its budget
 * (the check is not a reservation: calls in flight still land); after the check, accept, retry
 * with the diagnostics as feedback, or fail for good once `attempt` reaches `maxAttempts` (an
 * attempt beyond it, granted by a human, is final too).
 */
export function decideAttempt(facts: BeforeCall): CallDecision;
export function decideAttempt(facts: Checked): CheckedDecision;
export function decideAttempt(facts: BeforeCall | Checked): AttemptDecision {
  if (facts.phase === 'before-call') {
    const reason = overBudget(facts.plan, facts.estimate);
    return reason === undefined ? { kind: 'call' } : { kind: 'pause-for-budget', reason };
  }
  const { attempt, maxAttempts, diagnostics } = facts;
  if (diagnostics.length === 0) return { kind: 'accept' };
  return attempt >= maxAttempts
    ? { kind: 'final-failure', diagnostics }
    : { kind: 'retry-with-feedback', diagnostics };
}

function overBudget(
  plan: BudgetState,
  estimate: { tokens: number; dollars: number },
): string | undefined {
  if (plan.budgetDollars !== null && plan.spentDollars + estimate.dollars > plan.budgetDollars)
    return `budget: $${plan.spentDollars.toFixed(4)} spent of $${plan.budgetDollars} and the next call may cost $${estimate.dollars.toFixed(4)}; raise the budget and resume`;
  if (plan.budgetTokens !== null && plan.spentTokens + estimate.tokens > plan.budgetTokens)
    return `budget: ${plan.spentTokens} tokens spent of ${plan.budgetTokens}; raise the budget and resume`;
  return undefined;
}

/** Diagnostics as the next prompt's feedback and the stored error: one line each. */
export function feedbackText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => (d.line ? `line ${d.line}: ${d.message}` : d.message)).join('\n');
}
