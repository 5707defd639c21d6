/**
 * `WS /ws/discovery/:id` on real Redis and Postgres, the planner role asking the local Messages-API
 * server (SCRIPTED answers): the stages of a real discovery run, resume with `?since=`, and the
 * upgrade's refusals.
 */
import { createApiKey, ensureTenant } from '@mge/db';
import {
  plannerFleetEnv,
  startFakeAnthropic,
  type FakeAnthropic,
  type Scripted,
} from '@test/fake-anthropic';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { LiveClient, refusal, type Frame } from '@test/live-client';
import {
  answer,
  discovery,
  invalidJson,
  refusal as refused,
  REQUIREMENTS,
  truncated,
} from '@test/planner-answers';
import { startApi, type RunningApi } from './server.js';

jest.setTimeout(60_000);

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const settled = (f: Frame) => f.type === 'discovery' && f.status !== 'analyzing';

/** A frame as a line the expectations read: type, step, status and attempt. */
const stage = (f: Frame) =>
  [f.type, f.step, f.status, f.attempt]
    .filter((x) => x !== undefined)
    .map(String)
    .join(' ');

describe('WS /ws/discovery/:id', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;
  let api: RunningApi;
  let ws: string;
  let otherKey: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    fleet = await startTestFleet(plannerFleetEnv(fake.url), ['planner']);
    api = await startApi(fleet.config, fleet.resources, 0);
    ws = `ws://127.0.0.1:${api.port}/ws/discovery`;
    const other = await ensureTenant(fleet.resources.db, 'other-tenant');
    otherKey = await createApiKey(fleet.resources.db, other.id);
  }, 30_000);
  afterEach(async () => {
    for (const client of clients.splice(0)) {
      client.ws.close();
      await client.closed;
    }
  });
  afterAll(async () => {
    await api?.close();
    await fleet?.stop();
    await fake?.close();
  });

  async function connect(url: string, key = ADMIN_TOKEN): Promise<LiveClient> {
    const client = await LiveClient.connect(url, bearer(key));
    clients.push(client);
    return client;
  }

  /** Starts a discovery answered by `steps`; returns its id and the socket link it answered. */
  async function start(...steps: Scripted[]): Promise<{ id: string; live: string }> {
    fake.script(...steps);
    const res = await fetch(`${api.url}/api/v1/discovery/start`, {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      body: JSON.stringify({ requirements: REQUIREMENTS }),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { discoveryId: string; links: { live: string } };
    return { id: body.discoveryId, live: body.links.live };
  }

  function contiguous(frames: readonly Frame[], from: number): void {
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => from + i));
  }

  describe('when a discovery is retried once and then validates', () => {
    it('streams each stage in order with contiguous seq, live after a snapshot and from ?since=0', async () => {
      const { id, live } = await start(truncated(discovery), answer(discovery));
      expect(live).toBe(`/ws/discovery/${id}`);
      const watching = await connect(`${ws}/${id}`);
      const replay = await connect(`${ws}/${id}?since=0`);
      await replay.until(settled, 'the discovery to settle');
      await watching.until(settled, 'the live client to see it settle');

      // From the start of the stream: every stage, each once, in the order the planner went.
      expect(replay.frames[0]!.seq).toBe(1);
      contiguous(replay.frames, 1);
      expect(replay.frames.map(stage)).toEqual([
        'planner discovery queued',
        'planner retrieval done',
        'planner discovery started',
        'planner discovery calling 1',
        'cost 1',
        'planner discovery retrying 1',
        'planner discovery calling 2',
        'cost 2',
        'planner discovery done 2',
        'discovery ready',
      ]);
      const byStage = new Map(replay.frames.map((f) => [stage(f), f]));
      expect(byStage.get('planner retrieval done')?.message).toBe('retrieval is off');
      // The rejected answer's problem is the feedback the second attempt carried.
      expect(byStage.get('planner discovery retrying 1')?.message).toMatch(/output token limit/);
      const costs = replay.frames.filter((f) => f.type === 'cost');
      expect(costs.every((c) => (c.dollars as number) > 0 && (c.tokens as number) > 0)).toBe(true);
      expect(costs[1]!.spentDollars as number).toBeGreaterThan(costs[0]!.spentDollars as number);
      expect(costs[1]!.spentTokens as number).toBeGreaterThan(costs[0]!.spentTokens as number);

      // Live: a snapshot first, then the frames after its seq, none missing, none twice.
      const [snapshot, ...after] = watching.frames;
      expect(snapshot).toMatchObject({ type: 'snapshot', reason: 'initial' });
      contiguous(after, snapshot!.seq + 1);
      expect(after).toEqual(replay.frames.slice(snapshot!.seq));
    });

    it('resumes after ?since=N and starts a settled one with its stored state', async () => {
      const { id } = await start(answer(discovery));
      const first = await connect(`${ws}/${id}?since=0`);
      const done = await first.until(settled, 'the discovery to settle');

      const resumed = await connect(`${ws}/${id}?since=3`);
      await resumed.until((f) => f.seq === done.seq, 'the resumed client to catch up');
      expect(resumed.frames.some((f) => f.type === 'snapshot')).toBe(false);
      expect(resumed.frames).toEqual(first.frames.slice(3));

      const fresh = await connect(`${ws}/${id}`);
      const snapshot = await fresh.until((f) => f.type === 'snapshot', 'a snapshot');
      expect(snapshot).toMatchObject({
        seq: done.seq,
        reason: 'initial',
        discovery: { id, status: 'ready', error: null, attempts: 1 },
        spent: { dollars: expect.any(Number), tokens: expect.any(Number) },
      });
      expect((snapshot.spent as { dollars: number }).dollars).toBeGreaterThan(0);

      // Ahead of the stream (Redis lost it): a fresh snapshot, labelled so.
      const ahead = await connect(`${ws}/${id}?since=${done.seq + 100}`);
      await ahead.until((f) => f.type === 'snapshot' && f.reason === 'reset', 'a reset snapshot');
    });
  });

  describe('when discovery gets no usable answer', () => {
    it('ends with the step failed and the document failed with its reason', async () => {
      const { id } = await start(refused, invalidJson, invalidJson);
      const client = await connect(`${ws}/${id}?since=0`);
      const failed = await client.until(settled, 'the discovery to fail');
      expect(failed).toMatchObject({
        type: 'discovery',
        status: 'failed',
        error: expect.stringMatching(/no usable answer in 3 attempts/),
      });
      contiguous(client.frames, 1);
      expect(client.frames.map(stage).slice(-3)).toEqual([
        'cost 3',
        'planner discovery failed 3',
        'discovery failed',
      ]);
      expect(client.frames.filter((f) => f.status === 'retrying')).toHaveLength(2);
    });
  });

  describe('when the upgrade is refused', () => {
    it('answers 401 without a key or with a wrong one', async () => {
      for (const headers of [{}, bearer('wrong-key')]) {
        const res = await refusal(`${ws}/${UNKNOWN}`, headers);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
    });

    it('answers 404 for an unknown discovery and for another tenant’s, 400 for a bad id', async () => {
      const { id } = await start(answer(discovery));
      expect(await refusal(`${ws}/${id}`, bearer(otherKey))).toEqual({
        status: 404,
        body: { error: { code: 'not_found', message: `discovery ${id} not found` } },
      });
      expect(await refusal(`${ws}/${id}?token=${otherKey}`)).toMatchObject({ status: 404 });
      expect((await refusal(`${ws}/${UNKNOWN}`, bearer(ADMIN_TOKEN))).status).toBe(404);
      const bad = await refusal(`${ws}/nope`, bearer(ADMIN_TOKEN));
      expect(bad).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_input', message: 'discovery id must be a UUID' } },
      });
      // The owner's key in the query string is accepted (clients that cannot set headers).
      const client = await LiveClient.connect(`${ws}/${id}?token=${ADMIN_TOKEN}`);
      clients.push(client);
      await client.until((f) => f.type === 'snapshot', 'a snapshot');
    });
  });
});
