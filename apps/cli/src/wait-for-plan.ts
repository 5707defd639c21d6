import { TERMINAL_PLAN_STATUSES, type PlanStatus } from '@mge/core';
import type { PlanView, StageProgress } from '@mge/pipeline';
import type { LiveFrame } from './live-events.js';
import { createProgressView } from './progress.js';

/** What follows a plan's live socket: an `ApiClient` (`follow`) and the plan's id. */
export interface LivePlanSource {
  follow(path: string, onFrame: (frame: LiveFrame) => boolean | Promise<boolean>): Promise<boolean>;
  planId: string;
}

export interface WaitOptions {
  /** Draw progress on stderr. @defaultValue true */
  progress?: boolean;
  /** Poll interval when polling. @defaultValue 250 */
  intervalMs?: number;
  /** Follow the plan's live socket (`WS /ws/masterplan/:id`) instead of polling, when it can be. */
  live?: LivePlanSource;
}

const isTerminal = (status: PlanStatus) => TERMINAL_PLAN_STATUSES.includes(status);

/**
 * Waits until the plan reaches a terminal status, drawing progress on stderr. With `live`, the
 * progress comes from the plan's socket (from `?since=0`, so every event since submission; after a
 * drop it reconnects once with `?since=` the last seq it saw), and the final state is loaded once
 * from `load` when the socket says the plan settled (Postgres is the truth). It polls `load`
 * instead when there is no socket to follow (an API without sockets, a proxy refusing the
 * upgrade) or the socket drops again.
 */
export async function waitForPlan(
  load: () => Promise<PlanView | undefined>,
  options: WaitOptions = {},
): Promise<PlanView> {
  const progress = options.progress === false ? undefined : createProgressView();
  const show = (view: PlanView) => progress?.update(view);
  const loaded = async () => {
    const view = await load();
    if (!view) throw new Error('the plan disappeared while waiting for it');
    return view;
  };
  try {
    const followed = options.live && (await followPlan(loaded, options.live, show));
    if (followed) return followed;
    for (;;) {
      const view = await loaded();
      show(view);
      if (isTerminal(view.status)) return view;
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
    }
  } finally {
    progress?.stop();
  }
}

/** The plan's final view as the socket led to it, or undefined when the caller must poll. */
async function followPlan(
  load: () => Promise<PlanView>,
  live: LivePlanSource,
  show: (view: PlanView) => void,
): Promise<PlanView | undefined> {
  // The totals (tasks, mode) the events do not carry; often already the end of a short plan.
  const first = await load();
  show(first);
  if (isTerminal(first.status)) return first;
  const state = livePlanState(first);
  let seq: number | undefined;
  // Drawn once per burst of frames (the graph's hundreds of `ready`/`pending` arrive together).
  let drawing: NodeJS.Immediate | undefined;
  const draw = () => {
    clearImmediate(drawing);
    drawing = undefined;
    show(state.view());
  };
  const onFrame = (frame: LiveFrame) => {
    seq = frame.seq;
    if (state.apply(frame)) drawing ??= setImmediate(draw);
    return isTerminal(state.view().status);
  };
  const path = `/ws/masterplan/${live.planId}`;
  let settled: boolean;
  try {
    settled = await live.follow(`${path}?since=0`, onFrame);
    // Dropped after it worked: resume once where it stopped (one never opened is not retried).
    if (!settled && seq !== undefined) settled = await live.follow(`${path}?since=${seq}`, onFrame);
  } finally {
    if (drawing) draw();
  }
  if (!settled) return undefined;
  const last = await load();
  show(last);
  return isTerminal(last.status) ? last : undefined;
}

type Counts = Record<'done' | 'failed' | 'total', number>;

/**
 * A plan's view kept up to date from its socket's frames: `base` (a REST view, or a snapshot
 * frame's) for what the events do not carry (totals, the MVP mode, counts before a snapshot), and
 * each task's and atom's latest status as the events tell it. Events carry states, not deltas, so
 * applying one twice (a replay after `?since=`) changes nothing.
 */
export function livePlanState(first: PlanView) {
  let base = first;
  let status = first.status;
  let error = first.error;
  let graphed = first.progress.graph.done > 0;
  const tasks = new Map<string, string>();
  const atoms = new Map<string, string>();
  const count = (statuses: ReadonlyMap<string, string>, ...wanted: string[]) =>
    [...statuses.values()].filter((s) => wanted.includes(s)).length;
  /** At least what `base` counted: events after a snapshot are only part of the story. */
  const atLeast = (from: StageProgress, counted: Counts): Counts => ({
    done: Math.max(from.done, counted.done),
    failed: Math.max(from.failed, counted.failed),
    total: Math.max(from.total, counted.total),
  });

  return {
    /** Applies one frame; true when the view may have changed. */
    apply(frame: LiveFrame): boolean {
      switch (frame.type) {
        case 'snapshot': {
          const plan = frame.plan as PlanView;
          base = plan;
          status = plan.status;
          error = plan.error;
          graphed = plan.progress.graph.done > 0;
          tasks.clear();
          atoms.clear();
          for (const a of (frame.atoms ?? []) as { id: string; status: string }[])
            atoms.set(a.id, a.status);
          return true;
        }
        case 'plan':
          status = frame.status as PlanStatus;
          error = typeof frame.error === 'string' ? frame.error : null;
          if (status === 'generating' && base.mode !== 'mvp') graphed = true;
          return true;
        case 'task':
          tasks.set(String(frame.taskId), String(frame.status));
          return true;
        case 'atom':
          atoms.set(String(frame.atomId), String(frame.status));
          // Every atom is told `ready` or `pending` once the graph is built.
          graphed = true;
          return true;
        default:
          return false;
      }
    },

    view(): PlanView {
      const none = { done: 0, failed: 0, total: 0 };
      const p = base.progress;
      const mvp = base.mode === 'mvp';
      const generate = mvp
        ? atLeast(p.generate, {
            done: count(tasks, 'generated'),
            failed: count(tasks, 'failed'),
            total: 0,
          })
        : atLeast(p.generate, {
            done: count(atoms, 'validated'),
            failed: count(atoms, 'failed', 'blocked'),
            total: atoms.size,
          });
      return {
        ...base,
        status,
        error,
        progress: {
          atomize: mvp
            ? none
            : atLeast(p.atomize, {
                done: count(tasks, 'atomized'),
                failed: count(tasks, 'failed'),
                total: 0,
              }),
          graph: mvp ? none : { done: graphed ? 1 : 0, failed: 0, total: 1 },
          generate: {
            ...generate,
            running: count(mvp ? tasks : atoms, 'running'),
          },
          validate: {
            done: status === 'completed' ? 1 : p.validate.done,
            failed: p.validate.failed,
            total: 1,
          },
        },
      };
    },
  };
}
