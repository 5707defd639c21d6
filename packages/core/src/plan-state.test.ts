import { PLAN_STATUSES, TERMINAL_PLAN_STATUSES, type PlanStatus } from './domain.js';
import { PLAN_TRANSITIONS, canTransition, nextStatus, type PlanTransition } from './plan-state.js';

const EVENTS = Object.keys(PLAN_TRANSITIONS) as PlanTransition[];

describe('the plan state machine', () => {
  it('walks a V2 plan through its stages to completion', () => {
    const path: PlanTransition[] = ['start', 'atomized', 'graphed', 'generated', 'validated'];
    let status: PlanStatus | undefined = 'queued';
    const seen: (PlanStatus | undefined)[] = [status];
    for (const event of path) seen.push((status = nextStatus(status!, event)));
    expect(seen).toEqual([
      'queued',
      'atomizing',
      'graphing',
      'generating',
      'validating',
      'completed',
    ]);
  });

  it('drafts a planned V2 plan before atomizing it, and resumes drafting after a budget pause', () => {
    expect(nextStatus('queued', 'startDrafting')).toBe('drafting');
    expect(nextStatus('drafting', 'drafted')).toBe('atomizing');
    expect(nextStatus('drafting', 'pause')).toBe('paused');
    expect(nextStatus('paused', 'resumeDrafting')).toBe('drafting');
    expect(nextStatus('atomizing', 'drafted')).toBeUndefined();
  });

  it('sends a plan back to generating for a repair round and after a review', () => {
    expect(nextStatus('validating', 'repair')).toBe('generating');
    expect(nextStatus('needs_review', 'reviewed')).toBe('generating');
    expect(nextStatus('generating', 'reviewed')).toBe('generating');
  });

  it('refuses an event in a status it cannot happen in', () => {
    expect(nextStatus('completed', 'fail')).toBeUndefined();
    expect(nextStatus('paused', 'generated')).toBeUndefined();
    expect(nextStatus('atomizing', 'pause')).toBeUndefined();
    expect(nextStatus('cancelled', 'resume')).toBeUndefined();
  });

  it('fails or cancels only plans that are still running (cancel also takes paused and planning plans)', () => {
    for (const status of PLAN_STATUSES) {
      const active = ['drafting', 'atomizing', 'graphing', 'generating', 'validating'].includes(
        status,
      );
      expect(nextStatus(status, 'fail')).toBe(active ? 'failed' : undefined);
      expect(nextStatus(status, 'cancel')).toBe(
        active || status === 'paused' || status === 'planning' ? 'cancelled' : undefined,
      );
    }
  });

  it('moves a planning plan only to queued, failed or cancelled', () => {
    expect(EVENTS.filter((e) => nextStatus('planning', e) !== undefined)).toEqual([
      'planned',
      'planFailed',
      'cancel',
    ]);
  });

  it('leaves completed and cancelled plans where they are, whatever happens', () => {
    for (const status of ['completed', 'cancelled'] as const)
      for (const event of EVENTS) expect(nextStatus(status, event)).toBeUndefined();
  });

  it('reopens a failed plan only through a task retry, and a needs_review one only by review', () => {
    expect(EVENTS.filter((e) => nextStatus('failed', e) !== undefined)).toEqual(['retryTask']);
    expect(EVENTS.filter((e) => nextStatus('needs_review', e) !== undefined)).toEqual(['reviewed']);
  });

  it('answers canTransition from the same table', () => {
    expect(canTransition('generating', 'paused')).toBe(true);
    expect(canTransition('paused', 'generating')).toBe(true);
    expect(canTransition('atomizing', 'generating')).toBe(false);
    expect(canTransition('completed', 'generating')).toBe(false);
    for (const from of PLAN_STATUSES)
      for (const to of PLAN_STATUSES)
        expect(canTransition(from, to)).toBe(EVENTS.some((e) => nextStatus(from, e) === to));
  });

  it('never leaves a terminal status except by the two reopening events', () => {
    for (const from of TERMINAL_PLAN_STATUSES)
      for (const event of EVENTS)
        if (nextStatus(from, event) !== undefined)
          expect(['retryTask', 'reviewed']).toContain(event);
  });
});
