import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { TERMINAL_PLAN_STATUSES } from '@mge/core';
import { createApiKey, ensureTenant, findPlan, listAtoms } from '@mge/db';
import { syntheticPlan } from '@mge/bench';
import type { PlanEvent } from '@mge/queue';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { LiveClient as Client, refusal } from '@test/live-client';
import { waitFor } from '@test/services';
import { Sessions } from './accounts/sessions.js';
import { attachLiveProgress } from './live-progress.js';
import { startApi, type RunningApi } from './server.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Every atom transition the state machine allows (running -> running: a re-delivered job). */
const ATOM_NEXT: Record<string, string[]> = {
  pending: ['ready', 'blocked'],
  ready: ['running', 'blocked'],
  running: ['running', 'validated', 'ready', 'failed'],
  validated: ['ready', 'failed'], // targeted repair; out of attempts at L2-L4
  failed: ['validated', 'ready'], // review: approve or edit; regenerate
  blocked: ['pending', 'ready'], // a review unblocked it
};
const PLAN_NEXT: Record<string, string[]> = {
  atomizing: ['graphing', 'failed', 'cancelled'],
  graphing: ['generating', 'failed', 'cancelled'],
  generating: ['validating', 'needs_review', 'paused', 'failed', 'cancelled'],
  validating: ['completed', 'failed', 'needs_review', 'generating', 'cancelled'],
  paused: ['generating', 'cancelled'],
  needs_review: ['generating'],
};

describe('WS /ws/masterplan/:id', () => {
  let fleet: TestFleet;
  let api: RunningApi;
  let ws: string;
  let otherKey: string;

  beforeAll(async () => {
    // Simulated latency and faults: atoms interleave and some retry with feedback.
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_LATENCY_MS: '20-120',
      MGE_SIM_FAULT_RATE: '0.5',
      MGE_SIM_SEED: '4',
    });
    api = await startApi(fleet.config, fleet.resources, 0);
    ws = `ws://127.0.0.1:${api.port}/ws/masterplan`;
    const other = await ensureTenant(fleet.resources.db, 'other-tenant');
    otherKey = await createApiKey(fleet.resources.db, other.id);
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await fleet?.stop();
  });

  async function submit(functions: number): Promise<string> {
    const res = await fetch(`${api.url}/api/v2/plans`, {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      body: JSON.stringify(syntheticPlan({ functions, perFile: 8, seed: 5 })),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }

  function settled(planId: string): Promise<string> {
    return waitFor(async () => {
      const p = await findPlan(fleet.resources.db, planId);
      return p && TERMINAL_PLAN_STATUSES.includes(p.status) ? planId : undefined;
    }, `plan ${planId} to settle`);
  }

  describe('when a run is followed across a forced disconnect', () => {
    it('receives every transition in order with contiguous sequence numbers and no gap', async () => {
      const planId = await submit(24);
      const first = await Client.connect(`${ws}/${planId}?since=0`, bearer(ADMIN_TOKEN));
      await first.until((f) => f.type === 'atom' && f.status === 'validated', 'a validated atom');
      // Cut the connection mid-run and let events pile up while nobody listens.
      first.ws.terminate();
      await first.closed;
      const lastSeq = first.events.at(-1)!.seq;
      await waitFor(
        async () => ((await fleet.resources.events.head(planId)) > lastSeq + 5 ? true : undefined),
        'events published while disconnected',
      );
      const second = await Client.connect(`${ws}/${planId}?since=${lastSeq}`, bearer(ADMIN_TOKEN));
      await second.until(
        (f) => f.type === 'plan' && TERMINAL_PLAN_STATUSES.includes(f.status as never),
        'the plan to settle',
        60_000,
      );
      const head = await fleet.resources.events.head(planId);
      await waitFor(
        () => Promise.resolve(second.events.at(-1)!.seq === head ? true : undefined),
        'every published event',
      );
      second.ws.close();

      expect(second.frames[0]?.type).not.toBe('snapshot');
      const frames = [...first.events, ...second.events];
      expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
      for (const f of frames) expect(Number.isNaN(Date.parse(String(f.at)))).toBe(false);

      const statuses = new Map<string, string[]>();
      for (const f of frames.filter((f) => f.type === 'atom'))
        statuses.set(String(f.atomId), [
          ...(statuses.get(String(f.atomId)) ?? []),
          String(f.status),
        ]);
      const atoms = await listAtoms(fleet.resources.db, planId);
      expect(new Set(statuses.keys())).toEqual(new Set(atoms.map((a) => a.id)));
      for (const atom of atoms) {
        const chain = statuses.get(atom.id)!;
        expect(['pending', 'ready']).toContain(chain[0]);
        chain.slice(1).forEach((s, i) => expect(ATOM_NEXT[chain[i]!]).toContain(s));
        expect(chain.at(-1)).toBe(atom.status);
      }
      // The sim's faults made some atoms retry with feedback: running -> ready -> running.
      const retried = [...statuses.values()].filter(
        (c) => c.filter((s) => s === 'running').length > 1,
      );
      expect(retried.length).toBeGreaterThan(0);

      const plan = (await findPlan(fleet.resources.db, planId))!;
      const stages = frames.filter((f) => f.type === 'plan').map((f) => String(f.status));
      expect(['atomizing', 'graphing']).toContain(stages[0]);
      stages.slice(1).forEach((s, i) => expect(PLAN_NEXT[stages[i]!]).toContain(s));
      expect(stages.at(-1)).toBe(plan.status);
      expect(TERMINAL_PLAN_STATUSES).toContain(plan.status);

      const costs = frames.filter((f) => f.type === 'cost');
      expect(costs.length).toBeGreaterThan(atoms.length);
      expect(costs.every((c) => c.simulated === true)).toBe(true);
      const spent = Math.max(...costs.map((c) => Number(c.spentDollars)));
      expect(spent).toBeCloseTo(plan.spentDollars, 9);
    }, 90_000);
  });

  describe('when clients join while events are being published', () => {
    it('each one resumes exactly after its own sequence number', async () => {
      // A settled plan, so only this test publishes to its stream.
      const planId = await settled(await submit(2));
      const events = fleet.resources.events;
      let publishing = true;
      const publisher = (async () => {
        while (publishing) await events.publish(planId, [{ type: 'plan', status: 'generating' }]);
      })();
      const clients: { since: number; client: Client }[] = [];
      for (let i = 0; i < 10; i++) {
        const since = await events.head(planId);
        const client = await Client.connect(`${ws}/${planId}?since=${since}`, bearer(ADMIN_TOKEN));
        clients.push({ since, client });
      }
      await waitFor(
        async () => ((await events.head(planId)) > clients.at(-1)!.since + 20 ? true : undefined),
        'more events',
      );
      publishing = false;
      await publisher;
      const head = await events.head(planId);
      for (const { since, client } of clients) {
        await client.until((f) => f.seq === head, `seq ${head} after ${since}`);
        client.ws.close();
        expect(client.frames.map((f) => f.seq)).toEqual(
          Array.from({ length: head - since }, (_, i) => since + i + 1),
        );
      }
    });
  });

  describe('when no sequence number is given', () => {
    it('starts with a snapshot of the plan labelled with the current seq (auth by ?token=)', async () => {
      const planId = await settled(await submit(6));
      const client = await Client.connect(`${ws}/${planId}?token=${ADMIN_TOKEN}`);
      const snapshot = await client.until((f) => f.type === 'snapshot', 'a snapshot');
      client.ws.close();
      const atoms = await listAtoms(fleet.resources.db, planId);
      expect(snapshot).toMatchObject({
        reason: 'initial',
        seq: await fleet.resources.events.head(planId),
        plan: { id: planId, status: (await findPlan(fleet.resources.db, planId))!.status },
      });
      expect(snapshot.atoms).toHaveLength(atoms.length);
    }, 60_000);

    it('sends a fresh snapshot when asked to resume past what Redis holds', async () => {
      const planId = await submit(2);
      const client = await Client.connect(`${ws}/${planId}?since=1000000`, bearer(ADMIN_TOKEN));
      const snapshot = await client.until((f) => f.type === 'snapshot', 'a snapshot');
      client.ws.close();
      expect(snapshot.reason).toBe('reset');
    });

    it('sends a fresh snapshot when events it has not seen were trimmed away', async () => {
      const planId = await submit(2);
      await fleet.resources.events.publish(planId, [{ type: 'plan', status: 'atomizing' }]);
      const redis = new Redis(fleet.config.redisUrl);
      const key = `${fleet.config.queuePrefix}:plan-events:{${planId}}`;
      await redis.xdel(key, '1-0');
      await redis.quit();
      const client = await Client.connect(`${ws}/${planId}?since=0`, bearer(ADMIN_TOKEN));
      const snapshot = await client.until((f) => f.type === 'snapshot', 'a snapshot');
      client.ws.close();
      expect(snapshot.reason).toBe('gap');
      const after = client.events.map((f) => f.seq);
      expect(after).toEqual(after.map((_, i) => Number(snapshot.seq) + i + 1));
    });
  });

  describe('when the upgrade is not allowed', () => {
    it('answers 401 without a key or with an unknown one', async () => {
      const missing = await refusal(`${ws}/${UNKNOWN}`);
      expect(missing.status).toBe(401);
      expect(missing.body.error.code).toBe('unauthorized');
      expect((await refusal(`${ws}/${UNKNOWN}?token=nope`)).status).toBe(401);
      expect((await refusal(`${ws}/${UNKNOWN}`, bearer('nope'))).status).toBe(401);
    });

    it('answers 404 for another tenant’s plan, with nothing of it in the answer', async () => {
      const planId = await submit(2);
      const res = await refusal(`${ws}/${planId}`, bearer(otherKey));
      expect(res).toEqual({
        status: 404,
        body: { error: { code: 'not_found', message: `plan ${planId} not found` } },
      });
      expect((await refusal(`${ws}/${UNKNOWN}`, bearer(ADMIN_TOKEN))).status).toBe(404);
    });

    it('answers 400 for an id that is not a UUID or a bad sequence number', async () => {
      const bad = [
        await refusal(`${ws}/nope`, bearer(ADMIN_TOKEN)),
        await refusal(`${ws}/${UNKNOWN}?since=-1`, bearer(ADMIN_TOKEN)),
        await refusal(`${ws}/${UNKNOWN}?since=abc`, bearer(ADMIN_TOKEN)),
      ];
      for (const res of bad) {
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_input');
      }
    });

    it('answers 404 for other WebSocket paths', async () => {
      expect((await refusal(`ws://127.0.0.1:${api.port}/ws/other`)).status).toBe(404);
    });
  });

  describe('when a client stops reading', () => {
    it('drops it instead of buffering without bound', async () => {
      const planId = await settled(await submit(2));
      const server = createServer();
      const live = attachLiveProgress(server, {
        resources: fleet.resources,
        auth: {
          db: fleet.resources.db,
          adminToken: ADMIN_TOKEN,
          defaultTenantId: fleet.tenantId,
          sessions: new Sessions(fleet.config),
        },
        slowClientMs: 300,
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      // Far more than the socket buffers hold (~12 MB of frames).
      const event = { type: 'atom', atomId: 'x'.repeat(60), status: 'running' } as const;
      for (let i = 0; i < 50; i++)
        await fleet.resources.events.publish(planId, Array<PlanEvent>(2000).fill(event));

      // A raw client that completes the handshake and then never reads.
      const socket = connect(port, '127.0.0.1');
      socket.write(
        `GET /ws/masterplan/${planId}?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          `Authorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`,
      );
      socket.pause();
      const connections = () =>
        new Promise<number>((resolve) => server.getConnections((_, n) => resolve(n)));
      await waitFor(async () => ((await connections()) === 1 ? true : undefined), 'a connection');
      await waitFor(async () => ((await connections()) === 0 ? true : undefined), 'the drop');
      socket.destroy();
      await live.close();
      await new Promise((resolve) => server.close(resolve));
    }, 30_000);
  });

  describe('when the API shuts down', () => {
    it('closes live sockets with 1001 (going away)', async () => {
      const own = await startApi(fleet.config, fleet.resources, 0);
      const planId = await submit(2);
      const client = await Client.connect(
        `ws://127.0.0.1:${own.port}/ws/masterplan/${planId}`,
        bearer(ADMIN_TOKEN),
      );
      await client.until((f) => f.type === 'snapshot', 'a snapshot');
      await own.close();
      expect(await client.closed).toBe(1001);
    });
  });
});
