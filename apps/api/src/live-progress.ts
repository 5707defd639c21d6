import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Resources } from '@mge/pipeline';
import {
  presentedKey,
  requestCookies,
  resolveCaller,
  sessionCaller,
  type AuthSettings,
} from './auth.js';
import { followEvents } from './event-follower.js';
import { LIVE_STREAMS, type LiveStreamKind } from './live-streams.js';
import { OWNED_LOOKUPS } from './owned-rows.js';

/**
 * A cookie rides along on a cross-site WebSocket too (no CORS there): a session cookie counts only
 * when the page that opened the socket is this API's own (Origin's host is the Host).
 */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export const LIVE_PROGRESS_PATH = new RegExp(
  `^/ws/(${Object.keys(LIVE_STREAMS).join('|')})/([^/]+)/?$`,
);

const upgradeQuery = z.object({
  id: z.string(),
  since: z.coerce
    .number({ error: 'since must be a sequence number' })
    .int({ error: 'since must be a sequence number' })
    .min(0, { error: 'since must be a sequence number' })
    .optional(),
});
/** For the OpenAPI document: what an upgrade request's path (`/ws/<kind>/{id}`) and query carry. */
export const liveStreamParams = (kind: LiveStreamKind) => z.object({ id: LIVE_STREAMS[kind].id });
export const liveProgressQuery = upgradeQuery.pick({ since: true }).extend({
  token: z
    .string()
    .optional()
    .meta({ description: 'the API key, for clients that cannot set headers' }),
});

export interface LiveProgressOptions {
  resources: Pick<Resources, 'db' | 'events' | 'logger'>;
  auth: AuthSettings;
  /** Ping interval; a client that misses a pong is dropped. @defaultValue 30000 */
  heartbeatMs?: number;
  /** A client that has not taken a batch of frames within this long is dropped. @defaultValue 30000 */
  slowClientMs?: number;
}

export interface LiveProgress {
  /** Closes every socket with 1001 (going away), then stops. */
  close(): Promise<void>;
}

class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UpgradeRefused';
  }
}

/**
 * `WS /ws/masterplan/:id[?since=N][&token=KEY]` on the API's HTTP server, and the same for a
 * conversation at `WS /ws/chat/:id` (its snapshot is the conversation and its messages) and a
 * discovery document at `WS /ws/discovery/:id` (its status and spending; then its planner steps),
 * one protocol for all (`LIVE_STREAMS`). Bad upgrades are refused with a real HTTP status and the
 * API's error body before any WebSocket exists: 400 bad id or since, 401 no or unknown key, 404 no
 * such plan (conversation, discovery document) for the caller's tenant (another tenant's looks
 * missing), 503 while shutting down.
 */
export function attachLiveProgress(server: Server, options: LiveProgressOptions): LiveProgress {
  const { resources: r, auth } = options;
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  let closing = false;

  async function accept(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = LIVE_PROGRESS_PATH.exec(url.pathname);
    if (!path) throw new UpgradeRefused(404, 'not_found', `no WebSocket at ${url.pathname}`);
    if (closing) throw new UpgradeRefused(503, 'unavailable', 'the API is shutting down');
    const kind = path[1] as LiveStreamKind;
    const stream = LIVE_STREAMS[kind];
    const query = upgradeQuery
      .extend({ id: stream.id })
      .safeParse({ id: path[2], since: url.searchParams.get('since') ?? undefined });
    if (!query.success)
      throw new UpgradeRefused(400, 'invalid_input', query.error.issues[0]!.message);
    // Browsers cannot set headers on a WebSocket: `?token=` or the session cookie instead.
    const key = presentedKey(req) ?? url.searchParams.get('token') ?? undefined;
    const caller = key
      ? await resolveCaller(auth, key)
      : sameOrigin(req)
        ? await sessionCaller(auth, requestCookies(req))
        : undefined;
    if (!caller)
      throw new UpgradeRefused(
        401,
        'unauthorized',
        key
          ? 'invalid or revoked API key'
          : 'missing credentials: a session cookie (same origin), "Authorization: Bearer KEY" or ?token=KEY',
      );
    const { id, since } = query.data;
    if (!(await OWNED_LOOKUPS[stream.owns](r.db, id, caller.tenantId)))
      throw new UpgradeRefused(404, 'not_found', `${stream.owns} ${id} not found`);
    if (closing) throw new UpgradeRefused(503, 'unavailable', 'the API is shutting down');

    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.once('close', () => sockets.delete(ws));
      followEvents(ws, {
        events: r.events,
        logger: r.logger.child({ [`${stream.owns}Id`]: id }),
        streamId: id,
        snapshot: () => stream.snapshot(r.db, id, caller.tenantId),
        since,
        heartbeatMs: options.heartbeatMs ?? 30_000,
        slowClientMs: options.slowClientMs ?? 30_000,
      });
    });
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => r.logger.debug({ err }, 'upgrade socket error'));
    accept(req, socket, head).catch((err: unknown) => {
      const refused =
        err instanceof UpgradeRefused ? err : new UpgradeRefused(500, 'internal', 'internal error');
      if (!(err instanceof UpgradeRefused)) r.logger.error({ err }, 'WebSocket upgrade failed');
      refuse(socket, refused);
    });
  };
  server.on('upgrade', onUpgrade);

  return {
    async close() {
      closing = true;
      server.off('upgrade', onUpgrade);
      await Promise.all(
        [...sockets].map(
          (ws) =>
            new Promise<void>((resolve) => {
              // A client that does not answer the close handshake is cut off.
              const timer = setTimeout(() => ws.terminate(), 1_000).unref();
              ws.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              ws.close(1001, 'server shutting down');
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Answers the upgrade request with a plain HTTP error (the API's error body) and hangs up. */
function refuse(socket: Duplex, { status, code, message }: UpgradeRefused): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
