import { countDiscoveryAttempt, findDiscovery, settleDiscovery } from '@mge/db';
import { discoveryDocumentSchema, discoveryPrompt, withReference } from '@mge/planner';
import type { JobContext, Payload } from '@mge/queue';
import type { Resources } from '../runtime/resources.js';
import { planFromConversation } from './chat-service.js';
import { publishProgress } from '../runtime/progress.js';
import {
  askUntilValid,
  plannerReference,
  PlannerGaveUpError,
  type PlannerOwner,
} from './planner-call.js';

/**
 * The `discover` job: requirements text -> a validated DiscoveryDocument stored on the document
 * (`ready`), or the reason it could not be had (`failed`). A re-run finds the document settled, or
 * replays its paid answers from the response cache. A document a conversation started then gets
 * its MasterPlan written (`planFromConversation`).
 */
export async function discover(
  r: Resources,
  { discoveryId, tenantId }: Payload<'discover'>,
  context: JobContext,
): Promise<void> {
  const doc = await findDiscovery(r.db, discoveryId);
  if (!doc) return;
  // A conversation's discovery goes on to its MasterPlan; a re-run finishes that step too.
  if (doc.status !== 'analyzing') return planFromConversation(r, discoveryId);
  const owner: PlannerOwner = { kind: 'discovery', discoveryId, tenantId };
  try {
    const reference = await plannerReference(r, owner, doc.requirements);
    const analysis = await askUntilValid(
      r,
      owner,
      'discovery',
      (feedback) => withReference(discoveryPrompt(doc.requirements, feedback), reference),
      discoveryDocumentSchema,
      context.signal,
      { onAttempt: () => countDiscoveryAttempt(r.db, discoveryId) },
    );
    if (await settleDiscovery(r.db, discoveryId, { analysis }))
      await discoveryEvent(r, discoveryId, 'ready');
    await planFromConversation(r, discoveryId);
  } catch (error) {
    if (!(error instanceof PlannerGaveUpError)) throw error;
    await recordDiscoveryFailure(r, discoveryId, error.message);
  }
}

/** A discovery that cannot be had: stored as `failed` with the reason, and announced. */
export async function recordDiscoveryFailure(
  r: Resources,
  discoveryId: string,
  reason: string,
): Promise<void> {
  if (await settleDiscovery(r.db, discoveryId, { error: reason }))
    await discoveryEvent(r, discoveryId, 'failed', reason);
}

/** The document's stored status for live clients, published once the change is committed. */
function discoveryEvent(
  r: Resources,
  discoveryId: string,
  status: 'ready' | 'failed',
  error?: string,
): Promise<void> {
  return publishProgress(r, discoveryId, [
    { type: 'discovery', status, ...(error ? { error } : {}) },
  ]);
}
