import { findPlan, listAtoms } from '@mge/db';
import { syntheticPlan } from '@mge/bench';
import { startReconciler } from '@mge/pipeline';
import type { Closable } from '@mge/queue';
import request from 'supertest';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { startRedisCluster, type TestRedisCluster } from '@test/redis-cluster';
import { describeWhen, missingTool, waitFor } from '@test/services';

const FINAL = ['completed', 'failed', 'needs_review', 'cancelled'];

describeWhen(
  missingTool('redis-cli', 'redis-tools'),
  'the fleet on a Redis Cluster (3 masters, 3 replicas)',
  () => {
    let cluster: TestRedisCluster;
    let fleet: TestFleet;
    let reconciler: Closable;

    beforeAll(async () => {
      cluster = await startRedisCluster(3);
      fleet = await startTestFleet({
        REDIS_URL: cluster.url,
        MGE_LLM_PROVIDER: 'sim',
        MGE_SIM_LATENCY_MS: '100-250',
        MGE_SIM_FAULT_RATE: '0',
        MGE_JOB_LOCK_MS: '5000',
        // A worker left blocking on the dead master is replaced sooner than the 30 s default.
        MGE_WORKER_STUCK_MS: '10000',
      });
      // What recovers work whose Redis writes died with a master before reaching its replica.
      reconciler = startReconciler(fleet.resources, 2_000);
    }, 60_000);

    afterAll(async () => {
      try {
        await reconciler?.close();
        await fleet?.stop();
      } finally {
        // The servers go whatever the fleet's teardown met (a cluster left without a master for a
        // slot fails its commands).
        await cluster?.stop();
      }
    }, 120_000);

    const submit = async (plan: object) => {
      const res = await request(fleet.app)
        .post('/api/v2/plans')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .send(plan);
      expect(res.status).toBe(202);
      return (res.body as { id: string }).id;
    };
    const finished = (id: string, timeoutMs: number) =>
      waitFor(
        async () => {
          const plan = await findPlan(fleet.resources.db, id);
          return plan && FINAL.includes(plan.status) ? plan : undefined;
        },
        `plan ${id} to finish`,
        timeoutMs,
      );

    it('spreads the queues over the masters, each queue in one slot', async () => {
      const prefix = fleet.config.queuePrefix;
      const masters = new Set<number>();
      for (const queue of ['atomize', 'graph', 'generate', 'validate'])
        masters.add(await cluster.masterOf(`${prefix}:{${queue}}:${queue}:wait`));
      expect(masters.size).toBeGreaterThan(1);
    });

    it('takes a plan from HTTP to validated output', async () => {
      const id = await submit(threeFilePlan('on-a-cluster'));
      const plan = await finished(id, 60_000);
      expect(plan.status).toBe('completed');
      const atoms = await listAtoms(fleet.resources.db, id);
      expect(atoms.every((a) => a.status === 'validated')).toBe(true);
    }, 90_000);

    it('finishes a plan when the master holding the generate queue is killed mid-run', async () => {
      const id = await submit(syntheticPlan({ functions: 60, seed: 3 }));
      await waitFor(
        async () => {
          const atoms = await listAtoms(fleet.resources.db, id);
          return atoms.filter((a) => a.status === 'validated').length >= 10 ? true : undefined;
        },
        'ten atoms validated',
        60_000,
      );
      const failover = await cluster.killMasterOf(
        `${fleet.config.queuePrefix}:{generate}:generate:wait`,
      );
      expect(failover.promoted).not.toBe(failover.killed);

      const plan = await finished(id, 120_000).catch(async (error: unknown) => {
        const q = fleet.resources.queues;
        const counts = Object.fromEntries(
          await Promise.all(
            Object.entries(q).map(async ([n, queue]) => [n, await queue.getJobCounts()] as const),
          ),
        );
        const active = await q.validate.getJobs(['active', 'wait', 'delayed', 'failed']);
        const atoms = await listAtoms(fleet.resources.db, id);
        const byStatus: Record<string, number> = {};
        for (const a of atoms) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
        console.error(
          'DIAG',
          JSON.stringify({
            plan: await findPlan(fleet.resources.db, id),
            byStatus,
            counts,
            validate: active.map((j) => ({
              id: j.id,
              failedReason: j.failedReason,
              attemptsMade: j.attemptsMade,
            })),
          }),
        );
        throw error;
      });
      expect(plan.status).toBe('completed');
      const atoms = await listAtoms(fleet.resources.db, id);
      expect(atoms.filter((a) => a.status !== 'validated')).toEqual([]);
      // Exactly-once effects held through the failover: one retry-free attempt per atom.
      expect(atoms.every((a) => a.attempt === 1)).toBe(true);
    }, 260_000);
  },
);
