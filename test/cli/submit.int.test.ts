/**
 * `mge submit PLAN --watch` as a user runs it: the compiled CLI in its own process against an API
 * with every worker role (real Redis and Postgres), following the plan's live socket, and polling
 * against an API without sockets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { startApi, type RunningApi } from '@mge/api';
import { runMge } from '@test/cli';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';

jest.setTimeout(60_000);

const { MGE_API_KEY: _key, ...withoutApiKey } = process.env;

/** What one server was asked: each request and each upgrade, as `METHOD /path?query`. */
function record(server: Server, { upgrades = true } = {}) {
  const seen = { requests: [] as string[], upgrades: [] as string[] };
  server.on('request', (req: IncomingMessage) => seen.requests.push(`${req.method} ${req.url}`));
  if (upgrades) server.on('upgrade', (req: IncomingMessage) => seen.upgrades.push(req.url ?? ''));
  return {
    seen,
    reset() {
      seen.requests.length = 0;
      seen.upgrades.length = 0;
    },
    /** GETs of the plan's REST view. */
    polls: (id: string) => seen.requests.filter((r) => r === `GET /api/v2/plans/${id}`).length,
  };
}

describe('mge submit PLAN --watch', () => {
  let fleet: TestFleet;
  let api: RunningApi;
  let withSockets: ReturnType<typeof record>;
  /** The same fleet's app without the live sockets (a plain HTTP server): the CLI polls. */
  let plain: Server;
  let plainUrl: string;
  let withoutSockets: ReturnType<typeof record>;
  let dir: string;
  let file: string;
  /** When set, the next socket is cut once the server has written its first frame. */
  let dropNext = false;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mge-submit-'));
    file = path.join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(threeFilePlan('submit-watch')));
    fleet = await startTestFleet();
    api = await startApi(fleet.config, fleet.resources, 0);
    withSockets = record(api.server);
    // Cuts the connection under the CLI mid-stream: the 101 answer is the first write, frames follow.
    api.server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
      if (!dropNext) return;
      dropNext = false;
      const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
      let writes = 0;
      socket.write = ((...args: unknown[]) => {
        const written = write(...args);
        if (++writes === 2) setImmediate(() => socket.destroy());
        return written;
      }) as typeof socket.write;
    });
    plain = await new Promise<Server>((resolve) => {
      const server = fleet.app.listen(0, '127.0.0.1', () => resolve(server));
    });
    plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    // No upgrade listener of its own: Node answers the upgrade as an API without sockets does.
    withoutSockets = record(plain, { upgrades: false });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    plain?.closeAllConnections();
    await new Promise((resolve) => (plain ? plain.close(resolve) : resolve(undefined)));
    await fleet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = async (url: string) => {
    const result = await runMge(['submit', file, '--watch', '--api', url], {
      env: { ...withoutApiKey, MGE_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    const id = /^submitted plan (\S+)$/m.exec(result.stderr)?.[1];
    expect(id).toBeDefined();
    return { ...result, id: id! };
  };

  /** The stage lines (stderr is a pipe, so one line per change), by status. */
  const stageLines = (stderr: string) =>
    stderr.split('\n').filter((l) => /^\w+ +atomize \d+\/\d+ {2}graph /.test(l));

  it('follows the live socket: progress from its events, the final state read once', async () => {
    withSockets.reset();
    const result = await submit(api.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^completed: /);
    const lines = stageLines(result.stderr);
    // Replayed from `?since=0`: every stage shows, whatever the run's speed.
    expect(lines.some((l) => l.startsWith('generating '))).toBe(true);
    expect(lines.at(-1)).toMatch(
      /^completed +atomize 3\/3 {2}graph 1\/1 {2}generate (\d+)\/\1 {2}validate 1\/1$/,
    );
    expect(withSockets.seen.upgrades).toEqual([`/ws/masterplan/${result.id}?since=0`]);
    // The view before following (the totals) and after the socket said it settled: no polling.
    expect(withSockets.polls(result.id)).toBe(2);
  });

  it('resumes once with ?since= the last seq when the socket drops', async () => {
    withSockets.reset();
    dropNext = true;
    const result = await submit(api.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^completed: /);
    const [first, again, ...more] = withSockets.seen.upgrades;
    expect(first).toBe(`/ws/masterplan/${result.id}?since=0`);
    expect(again).toMatch(new RegExp(`^/ws/masterplan/${result.id}\\?since=[1-9]\\d*$`));
    expect(more).toEqual([]);
    expect(withSockets.polls(result.id)).toBe(2);
    expect(stageLines(result.stderr).at(-1)).toMatch(/^completed +atomize 3\/3 /);
  });

  it('polls the REST view against an API without sockets, with the same progress', async () => {
    withoutSockets.reset();
    const result = await submit(plainUrl);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^completed: /);
    expect(stageLines(result.stderr).at(-1)).toMatch(
      /^completed +atomize 3\/3 {2}graph 1\/1 {2}generate (\d+)\/\1 {2}validate 1\/1$/,
    );
    // The view is loaded until the plan settles.
    expect(withoutSockets.polls(result.id)).toBeGreaterThanOrEqual(2);
  });
});
