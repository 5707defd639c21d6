import type { AtomStatus, PlanStatus, TaskStatus } from '@mge/core';
import type { PlanEvent } from '@mge/queue';
import type { Resources } from './resources.js';

/**
 * Publishes progress for live clients. Call it after the Postgres transaction that made the change
 * commits and before enqueueing follow-up jobs, so a dependent's `running` can never precede its
 * `ready`. A failure is logged and swallowed: Postgres stays the truth and a reconnecting client
 * gets a fresh snapshot, so progress must never fail a job.
 */
export async function publishProgress(
  r: Pick<Resources, 'events' | 'logger'>,
  planId: string,
  events: readonly PlanEvent[],
): Promise<void> {
  if (events.length === 0) return;
  try {
    await r.events.publish(planId, events);
  } catch (err) {
    r.logger.warn({ err, planId, events: events.length }, 'cannot publish plan progress');
  }
}

export function planEvent(status: PlanStatus, error?: string | null): PlanEvent {
  return { type: 'plan', status, ...(error ? { error } : {}) };
}

/** The same status for several atoms; `attempt` as stored (attempts made so far) when known. */
export function atomEvents(
  atomIds: readonly string[],
  status: AtomStatus,
  attempt?: number,
): PlanEvent[] {
  return atomIds.map((atomId) => ({
    type: 'atom',
    atomId,
    status,
    ...(attempt === undefined ? {} : { attempt }),
  }));
}

/** A task's status in MVP mode; `attempt` as stored (attempts made so far). */
export function taskEvent(taskId: string, status: TaskStatus, attempt: number): PlanEvent {
  return { type: 'task', taskId, status, attempt };
}
