import type { Express } from 'express';
import request from 'supertest';
import type { Db } from '@mge/db';
import type { FakeAnthropic, Scripted } from './fake-anthropic';
import { planIn, SETTLED } from './plan-status';
import {
  answer,
  designed,
  designs,
  discovery,
  draft,
  drafts,
  milestone1,
  milestone2,
  REQUIREMENTS,
  skeleton,
} from './planner-answers';
import { waitFor } from './services';

/**
 * Starts a discovery of the library's requirements with its analysis scripted on the local
 * Messages-API server, and waits until it is ready: the first step of every planner test that
 * needs a MasterPlan. Returns the discovery's id.
 */
export async function analysedDiscovery(
  app: Express,
  headers: Record<string, string>,
  fake: FakeAnthropic,
): Promise<string> {
  fake.script(answer(discovery));
  const started = await request(app)
    .post('/api/v1/discovery/start')
    .set(headers)
    .send({ requirements: REQUIREMENTS });
  expect(started.status).toBe(202);
  const id = (started.body as { discoveryId: string }).discoveryId;
  await waitFor(async () => {
    const res = await request(app).get(`/api/v1/discovery/${id}`).set(headers);
    return (res.body as { status?: string }).status === 'ready' ? true : undefined;
  }, 'the discovery');
  return id;
}

/** What the planner-flow steps below work on: the API, its database and the scripted model. */
export interface PlannerFlow {
  app: Express;
  headers: Record<string, string>;
  db: Db;
  fake: FakeAnthropic;
  discoveryId: string;
}

/** A valid MasterPlan of the library (three undrafted tasks), waiting for approval. */
export async function queuedPlan({ app, headers, db, fake, discoveryId }: PlannerFlow) {
  fake.script(answer(skeleton), answer(milestone1), answer(milestone2));
  const res = await request(app)
    .post('/api/v1/masterplan/generate')
    .set(headers)
    .send({ discoveryId });
  expect(res.status).toBe(202);
  const id = (res.body as { masterplanId: string }).masterplanId;
  await planIn(db, id, ['queued']);
  return id;
}

/** Approves the queued plan with `answers` scripted for its drafting; returns the API's answer. */
export async function approvedPlan(
  { app, headers, fake }: PlannerFlow,
  planId: string,
  ...answers: Scripted[]
): Promise<Record<string, unknown>> {
  fake.script(...answers);
  const res = await request(app).post(`/api/v1/masterplan/${planId}/approve`).set(headers).send({});
  expect(res.status).toBe(202);
  return res.body as Record<string, unknown>;
}

/**
 * A plan whose drafted loans file fails the designed `loansStrict` test (it expects 21-day loans),
 * settled: its code, repaired through every attempt, waits for review.
 */
export async function failingDesignedTest(flow: PlannerFlow): Promise<string> {
  const planId = await queuedPlan(flow);
  await approvedPlan(
    flow,
    planId,
    draft(drafts.ids),
    draft(drafts.catalog),
    draft(drafts.loans),
    designed('test/ids.test.ts', designs.ids),
    designed('test/loans.test.ts', designs.loansStrict),
  );
  await planIn(flow.db, planId, [...SETTLED, 'paused']);
  return planId;
}

/** Approves every open review of code (atoms) in the plan's queue; returns how many. */
export async function approveCodeReviews({ app, headers }: PlannerFlow, planId: string) {
  const queue = await request(app).get(`/api/v2/review-queue/${planId}`).set(headers);
  expect(queue.status).toBe(200);
  const open = (queue.body as { items: { atomId: string | null; status: string }[] }).items.filter(
    (i) => i.atomId && i.status === 'open',
  );
  for (const item of open) {
    const res = await request(app)
      .post(`/api/v2/review/${item.atomId}`)
      .set(headers)
      .send({ action: 'approve' });
    expect(res.status).toBe(200);
  }
  return open.length;
}
