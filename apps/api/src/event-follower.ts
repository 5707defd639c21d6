import type { WebSocket } from 'ws';
import type { PlanEventEntry, PlanEvents } from '@mge/queue';
import type { Logger } from '@mge/telemetry';

/** Frames read from the stream per round trip; also the most one socket holds unsent. */
const BATCH = 500;

export interface FollowSettings {
  events: PlanEvents;
  logger: Logger;
  /** Whose event stream: a plan's, a conversation's or a discovery document's id. */
  streamId: string;
  /** Resume after this sequence number; undefined starts with a snapshot. */
  since: number | undefined;
  heartbeatMs: number;
  slowClientMs: number;
  /**
   * What a snapshot frame carries besides `{ type, reason, seq }` (the plan, the conversation,
   * the discovery document as Postgres has it now); undefined (it is gone) ends the stream.
   */
  snapshot: () => Promise<object | undefined>;
}

type SnapshotReason = 'initial' | 'reset' | 'gap';

/**
 * Streams one owner's events (a plan's, a conversation's, a discovery document's) to one socket,
 * the same way for each. Pub/sub only says "there is more"; the socket then pulls from the
 * owner's Redis Stream after the last seq it sent, so a notification lost or coalesced
 * never loses an event, and a slow socket holds at most one batch in memory (it waits for each
 * batch to be written; one that cannot take it within `slowClientMs` is dropped and resumes later
 * with `?since=`).
 */
export function followEvents(ws: WebSocket, s: FollowSettings): void {
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
      }, s.slowClientMs).unref(); // a watchdog: the socket, not the timer, keeps the process up
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
   * The owner as Postgres has it now, labelled with the seq read *before* the query: every event
   * up to that seq was committed before the snapshot was taken, later ones follow as frames
   * (applying one already reflected in the snapshot is harmless: events carry states, not deltas;
   * cost events carry the running total).
   */
  async function snapshot(reason: SnapshotReason): Promise<void> {
    const seq = await s.events.head(s.streamId);
    const view = await s.snapshot();
    if (!view) return end(1011, 'not found');
    await send([{ type: 'snapshot', reason, seq, ...view }]);
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
        const entries = await s.events.readAfter(s.streamId, sent, BATCH);
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
    unsubscribe = await s.events.subscribe(s.streamId, () => {
      if (started && !closed) pump().catch(fail);
    });
    if (closed) return unsubscribe();
    if (s.since === undefined) await snapshot('initial');
    // A client ahead of the stream saw events Redis no longer has (flushed or expired).
    else if (s.since > (await s.events.head(s.streamId))) await snapshot('reset');
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
