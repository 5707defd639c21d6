import type { Diagnostic } from '@mge/core';
import { decideAttempt, feedbackText, type BudgetState } from './attempt-decision.js';

const syntax: Diagnostic = { level: 'atom', line: 3, message: 'unexpected token' };
const open: BudgetState = {
  budgetDollars: null,
  budgetTokens: null,
  spentDollars: 0,
  spentTokens: 0,
};
const estimate = { tokens: 1_000, dollars: 0.01 };

describe('decideAttempt', () => {
  describe('before the call', () => {
    it('calls when the plan has no budget', () => {
      expect(decideAttempt({ phase: 'before-call', plan: open, estimate })).toEqual({
        kind: 'call',
      });
    });

    it('calls when the estimate fits exactly in what is left', () => {
      const plan = { ...open, budgetDollars: 1, spentDollars: 0.99 };
      expect(decideAttempt({ phase: 'before-call', plan, estimate })).toEqual({ kind: 'call' });
    });

    it('pauses for budget when the call could cross the dollar cap, naming the figures', () => {
      const plan = { ...open, budgetDollars: 1, spentDollars: 0.995 };
      const decision = decideAttempt({ phase: 'before-call', plan, estimate });
      expect(decision).toEqual({
        kind: 'pause-for-budget',
        reason:
          'budget: $0.9950 spent of $1 and the next call may cost $0.0100; raise the budget and resume',
      });
    });

    it('pauses for budget when the call could cross the token cap', () => {
      const plan = { ...open, budgetTokens: 1_500, spentTokens: 600 };
      expect(decideAttempt({ phase: 'before-call', plan, estimate })).toEqual({
        kind: 'pause-for-budget',
        reason: 'budget: 600 tokens spent of 1500; raise the budget and resume',
      });
    });
  });

  describe('after the check', () => {
    const checked = (attempt: number, diagnostics: Diagnostic[]) =>
      decideAttempt({ phase: 'checked', attempt, maxAttempts: 3, diagnostics });

    it('accepts an answer with no diagnostics, on any attempt', () => {
      expect(checked(1, [])).toEqual({ kind: 'accept' });
      expect(checked(4, [])).toEqual({ kind: 'accept' });
    });

    it('retries with the diagnostics as feedback while attempts are left', () => {
      expect(checked(1, [syntax])).toEqual({ kind: 'retry-with-feedback', diagnostics: [syntax] });
      expect(checked(2, [syntax])).toEqual({ kind: 'retry-with-feedback', diagnostics: [syntax] });
    });

    it('fails for good on the last attempt and on one granted beyond the budget', () => {
      expect(checked(3, [syntax])).toEqual({ kind: 'final-failure', diagnostics: [syntax] });
      expect(checked(4, [syntax])).toEqual({ kind: 'final-failure', diagnostics: [syntax] });
    });
  });
});

describe('feedbackText', () => {
  it('puts one diagnostic per line, with its line number when known', () => {
    expect(feedbackText([syntax, { level: 'atom', message: 'empty' }])).toBe(
      'line 3: unexpected token\nempty',
    );
  });
});
