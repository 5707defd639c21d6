/** A test client of the live-progress sockets (`WS /ws/masterplan|chat|discovery/:id`). */
import { WebSocket } from 'ws';
import { waitFor } from './services';

export interface Frame {
  type: string;
  seq: number;
  [field: string]: unknown;
}

/** A WebSocket client that records every frame it receives. */
export class LiveClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<number>;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) =>
      this.frames.push(JSON.parse((data as Buffer).toString('utf8')) as Frame),
    );
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<LiveClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new LiveClient(ws)));
      ws.once('error', reject);
    });
  }

  until(predicate: (f: Frame) => boolean, what: string, timeoutMs = 30_000): Promise<Frame> {
    return waitFor(() => Promise.resolve(this.frames.find(predicate)), what, timeoutMs);
  }

  get events(): Frame[] {
    return this.frames.filter((f) => f.type !== 'snapshot');
  }
}

export interface Refusal {
  status: number;
  body: { error: { code: string; message: string } };
}

/** Status and error body of a refused upgrade. */
export function refusal(url: string, headers: Record<string, string> = {}): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Refusal['body'] });
      });
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error(`${url} was upgraded`));
    });
    ws.once('error', reject);
  });
}
