import type { WebSocket } from 'ws';
import { findPlan, listAtoms, type Db } from '@mge/db';
import { getPlanView } from '@mge/pipeline';
import type { PlanEventEntry, PlanEvents } from '@mge/queue';
import type { Logger } from '@mge/telemetry';

/** Frames read from the stream per round trip; also the most one socket holds unsent. */
const BATCH = 500;

export interface FollowSettings {
  events: PlanEvents;
  db: Db;
  logger: Logger;
  planId: string;
  tenantId: string;
  /** Resume after this sequence number; undefined starts with a snapshot. */
  since: number | undefined;
  heartbeatMs: number;
  slowClientMs: number;
}

type SnapshotReason = 'initial' | 'reset' | 'gap';

/**
 * Streams one plan's events to one socket. Pub/sub only says "there is more"; the socket then pulls
 * from the plan's Redis Stream after the last seq it sent, so a notification lost or coalesced
 * never loses an event, and a slow socket holds at most one batch in memory (it waits for each
 * batch to be written; one that cannot take it within `slowClientMs` is dropped and resumes later
 * with `?since=`).
 */
export function followPlan(ws: WebSocket, s: FollowSettings): void {
  let sent = 0;
  let pumping = false;
  let again = false;
  let closed = false;
  let alive = true;
  let started = false;
  let unsubscribe: (() => Promise<void>) | undefined;

  const heartbeat = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, s.heartbeatMs);
  ws.on('pong', () => (alive = true));
  ws.on('error', (err) => s.logger.debug({ err }, 'live progress socket error'));
  ws.once('close', () => {
    closed = true;
    clearInterval(heartbeat);
    unsubscribe?.().catch((err: unknown) => s.logger.warn({ err }, 'cannot unsubscribe'));
  });

  /** Sends frames; resolves once the last one is written to the socket, or drops the client. */
  function send(frames: readonly object[]): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        s.logger.warn({ sent }, 'dropping a slow live progress client');
        ws.terminate();
        resolve();
      }, s.slowClientMs);
      frames.forEach((frame, i) =>
        ws.send(
          JSON.stringify(frame),
          i === frames.length - 1
            ? () => {
                clearTimeout(timer);
                resolve();
              }
            : undefined,
        ),
      );
    });
  }

  /**
   * The plan as Postgres has it now, labelled with the seq read *before* the query: every event up
   * to that seq was committed before the snapshot was taken, later ones follow as frames (applying
   * one already reflected in the snapshot is harmless: events carry states, not deltas; cost events
   * carry the plan's running total).
   */
  async function snapshot(reason: SnapshotReason): Promise<void> {
    const seq = await s.events.head(s.planId);
    const [view, plan, atoms] = await Promise.all([
      getPlanView(s.db, s.planId, s.tenantId),
      findPlan(s.db, s.planId),
      listAtoms(s.db, s.planId),
    ]);
    if (!view) return end(1011, 'plan not found');
    await send([
      {
        type: 'snapshot',
        reason,
        seq,
        plan: view,
        spent: { dollars: plan?.spentDollars ?? 0, tokens: plan?.spentTokens ?? 0 },
        atoms: atoms.map((a) => ({
          id: a.id,
          file: a.file,
          name: a.name,
          status: a.status,
          attempt: a.attempt,
        })),
      },
    ]);
    sent = seq;
  }

  const frame = ({ seq, at, event }: PlanEventEntry) => ({
    seq,
    at,
    ...(event ?? { type: 'unknown' }),
  });

  /** Sends everything after `sent`, again whenever a notification arrived meanwhile. */
  async function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        const entries = await s.events.readAfter(s.planId, sent, BATCH);
        if (closed) return;
        // Sequence numbers have no holes, so a missing one was trimmed or expired: start over.
        if (entries.length > 0 && entries[0]!.seq !== sent + 1) {
          await snapshot('gap');
          again = true;
          continue;
        }
        if (entries.length === 0) continue;
        await send(entries.map(frame));
        sent = entries.at(-1)!.seq;
        if (entries.length === BATCH) again = true;
      } while (again && !closed);
    } finally {
      pumping = false;
    }
  }

  async function start(): Promise<void> {
    // Subscribed before reading anything: an event published after this point triggers a pump.
    // Notifications before `sent` is known are dropped: the first pump below reads after them.
    unsubscribe = await s.events.subscribe(s.planId, () => {
      if (started && !closed) pump().catch(fail);
    });
    if (closed) return unsubscribe();
    if (s.since === undefined) await snapshot('initial');
    // A client ahead of the stream saw events Redis no longer has (flushed or expired).
    else if (s.since > (await s.events.head(s.planId))) await snapshot('reset');
    else sent = s.since;
    started = true;
    await pump();
  }

  function end(code: number, reason: string): void {
    if (closed) return;
    closed = true;
    ws.close(code, reason);
  }

  function fail(err: unknown): void {
    s.logger.warn({ err }, 'live progress stream failed');
    end(1011, 'progress stream failed; reconnect with ?since=');
  }

  start().catch(fail);
}
