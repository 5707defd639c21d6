import type { PlanView } from '@mge/pipeline';
import { livePlanState } from './wait-for-plan.js';

const stage = (done = 0, total = 0, failed = 0) => ({ done, failed, total });

function view(over: Partial<PlanView> = {}): PlanView {
  return {
    id: 'p1',
    name: 'plan',
    language: 'typescript',
    mode: 'v2',
    status: 'atomizing',
    error: null,
    outputDir: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    completedAt: null,
    progress: {
      atomize: stage(0, 2),
      graph: stage(0, 1),
      generate: { ...stage(), running: 0 },
      validate: stage(0, 1),
    },
    ...over,
  };
}

let seq = 0;
const frame = (fields: Record<string, unknown>) => ({ seq: ++seq, type: 'plan', ...fields });

describe('livePlanState', () => {
  it('counts each stage from the events, applying a replayed event once', () => {
    const state = livePlanState(view());
    const events = [
      frame({ type: 'task', taskId: 't1', status: 'atomized' }),
      frame({ type: 'task', taskId: 't2', status: 'atomized' }),
      frame({ status: 'graphing' }),
      frame({ status: 'generating' }),
      frame({ type: 'atom', atomId: 'a', status: 'ready', attempt: 0 }),
      frame({ type: 'atom', atomId: 'b', status: 'pending', attempt: 0 }),
      frame({ type: 'atom', atomId: 'c', status: 'pending', attempt: 0 }),
      frame({ type: 'atom', atomId: 'a', status: 'running', attempt: 1 }),
      frame({ type: 'cost', dollars: 0.01, spentDollars: 0.01 }),
      frame({ type: 'atom', atomId: 'a', status: 'validated', attempt: 1 }),
      frame({ type: 'atom', atomId: 'b', status: 'failed', attempt: 3 }),
      frame({ type: 'atom', atomId: 'c', status: 'blocked' }),
    ];
    for (const e of [...events, ...events.slice(-3)]) state.apply(e);
    expect(state.view()).toMatchObject({
      status: 'generating',
      progress: {
        atomize: stage(2, 2),
        graph: stage(1, 1),
        generate: { done: 1, failed: 2, total: 3, running: 0 },
        validate: stage(0, 1),
      },
    });
    expect(state.apply(frame({ type: 'cost', dollars: 1 }))).toBe(false);
    state.apply(frame({ status: 'failed', error: 'atom b failed' }));
    expect(state.view()).toMatchObject({ status: 'failed', error: 'atom b failed' });
  });

  it('starts over from a snapshot (a gap in the stream), keeping its counts as a floor', () => {
    const state = livePlanState(view());
    state.apply(frame({ type: 'task', taskId: 't1', status: 'atomized' }));
    state.apply({
      seq: 40,
      type: 'snapshot',
      reason: 'gap',
      plan: view({
        status: 'generating',
        progress: {
          atomize: stage(2, 2),
          graph: stage(1, 1),
          generate: { ...stage(1, 2), running: 1 },
          validate: stage(0, 1),
        },
      }),
      atoms: [
        { id: 'a', status: 'validated' },
        { id: 'b', status: 'running' },
      ],
    });
    state.apply(frame({ type: 'atom', atomId: 'b', status: 'validated', attempt: 1 }));
    state.apply(frame({ status: 'completed' }));
    expect(state.view()).toMatchObject({
      status: 'completed',
      progress: {
        atomize: stage(2, 2),
        graph: stage(1, 1),
        generate: { done: 2, failed: 0, total: 2, running: 0 },
        validate: stage(1, 1),
      },
    });
  });

  it('counts tasks as the generated unit of an MVP plan', () => {
    const none = stage();
    const state = livePlanState(
      view({
        mode: 'mvp',
        status: 'generating',
        progress: {
          atomize: none,
          graph: none,
          generate: { ...stage(0, 2), running: 0 },
          validate: stage(0, 1),
        },
      }),
    );
    state.apply(frame({ type: 'task', taskId: 't1', status: 'running', attempt: 1 }));
    state.apply(frame({ type: 'task', taskId: 't2', status: 'generated', attempt: 1 }));
    expect(state.view().progress).toEqual({
      atomize: none,
      graph: none,
      generate: { done: 1, failed: 0, total: 2, running: 1 },
      validate: stage(0, 1),
    });
  });
});
