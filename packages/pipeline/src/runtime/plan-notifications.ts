import { findPlan, usersToNotify, type Db } from '@mge/db';
import type { PlanEvent, PlanEvents } from '@mge/queue';
import type { Logger } from '@mge/telemetry';
import type { Mailer } from './mailer.js';

export interface NotifySettings {
  db: Db;
  mailer: Mailer;
  logger: Logger;
  publicUrl: string;
}

const ABOUT = {
  needs_review: { about: 'review', says: 'needs review' },
  completed: { about: 'finish', says: 'finished' },
} as const;

/**
 * Emails the users of the plan's tenant who opted in when the plan needs review or finishes.
 * Each transition is published once (after the transition that wins commits), so each is mailed
 * once. Failures are logged, never thrown: notifications must not fail the job that finished a plan.
 */
export async function notifyPlanStatus(
  s: NotifySettings,
  planId: string,
  status: keyof typeof ABOUT,
  reason?: string,
): Promise<void> {
  try {
    const plan = await findPlan(s.db, planId);
    if (!plan?.tenantId) return;
    const { about, says } = ABOUT[status];
    const link = `${s.publicUrl}/plans/${plan.id}`;
    const why = reason ?? plan.error;
    const error = status === 'needs_review' && why ? `\n\nWhy: ${why}` : '';
    for (const user of await usersToNotify(s.db, plan.tenantId, about))
      await s.mailer.send(
        {
          to: user.email,
          subject: `MGE: plan "${plan.name}" ${says}`,
          text: `The plan "${plan.name}" ${says}.${error}\n\nOpen it: ${link}\n\nChange which emails you get in your account settings.`,
        },
        `plan-${about}`,
      );
  } catch (err) {
    s.logger.warn({ err, planId }, 'cannot send plan notifications');
  }
}

/**
 * Plan progress events that also notify: the one hook between a plan's status changes and email,
 * outside the stages (they only publish their events).
 */
export function withPlanNotifications(events: PlanEvents, s: NotifySettings): PlanEvents {
  return {
    ...events,
    async publish(planId: string, published: readonly PlanEvent[]) {
      const seq = await events.publish(planId, published);
      for (const e of published)
        if (e.type === 'plan' && (e.status === 'completed' || e.status === 'needs_review'))
          await notifyPlanStatus(s, planId, e.status, e.error);
      return seq;
    },
  };
}
