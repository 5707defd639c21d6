import { WebSocket } from 'ws';

/** A frame of the API's live-progress sockets: `{ seq, type, ... }` (docs/architecture.md). */
export interface LiveFrame {
  type: string;
  seq: number;
  [field: string]: unknown;
}

/** How long opening the socket may take before the caller falls back to polling. */
const OPEN_TIMEOUT_MS = 5_000;

/**
 * Follows one of the API's live-progress sockets (`/ws/discovery/:id`, `/ws/masterplan/:id`),
 * handing each frame to `onFrame` until it answers true. Resolves true then, or false when the
 * socket cannot be opened or drops first (an API without sockets, a proxy that refuses the
 * upgrade): the caller polls instead, so following is never required.
 */
export function followLive(
  baseUrl: string,
  apiKey: string,
  path: string,
  onFrame: (frame: LiveFrame) => boolean | Promise<boolean>,
): Promise<boolean> {
  const url = new URL(path, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return new Promise((resolve) => {
    let settled = false;
    const finish = (followed: boolean) => {
      if (settled) return;
      settled = true;
      ws.removeAllListeners('message');
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else ws.terminate();
      resolve(followed);
    };
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${apiKey}` },
      handshakeTimeout: OPEN_TIMEOUT_MS,
    });
    // Frames are handled one at a time, in order, even when `onFrame` awaits.
    let chain = Promise.resolve();
    ws.on('message', (data) => {
      chain = chain
        .then(async () => {
          if (settled) return;
          const frame = JSON.parse((data as Buffer).toString('utf8')) as LiveFrame;
          if (await onFrame(frame)) finish(true);
        })
        .catch(() => finish(false));
    });
    ws.on('error', () => finish(false));
    ws.on('close', () => void chain.then(() => finish(false)));
  });
}
