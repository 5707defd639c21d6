import { createTestDatabase, type TestDatabase } from '@test/services';
import type { Db } from '../client.js';
import {
  findAtom,
  claimAttempt,
  completeAttempt,
  rejectAttempt,
  releaseDependents,
  blockDependents,
  insertAtoms,
  listAtoms,
} from './atoms.js';
import { saveGraph } from './graph.js';
import { insertPlanWithTasks } from './plans.js';
import { ensureTenant } from './tenants.js';

/**
 * a -> c, b -> c, c -> d, and a cycle {e, f} that depends on d: c waits for a and b; d for c;
 * e and f only for d (their mutual edges are inside one group).
 */
async function seed(db: Db) {
  const tenant = await ensureTenant(db, 't');
  const { plan, tasks } = await insertPlanWithTasks(db, {
    tenantId: tenant.id,
    input: {
      name: 'p',
      language: 'typescript',
      tasks: [{ id: 't', title: 't', description: '', file: 'a.ts', code: '', dependsOn: [] }],
      tests: [],
    },
  });
  const names = ['a', 'b', 'c', 'd', 'e', 'f'];
  await insertAtoms(
    db,
    names.map((name, ordinal) => ({
      masterplanId: plan.id,
      taskId: tasks[0]!.id,
      ordinal,
      file: 'a.ts',
      kind: 'function' as const,
      name,
      startByte: 0,
      endByte: 0,
      startLine: 1,
      endLine: 1,
      loc: 1,
      draftCode: '',
    })),
  );
  const atoms = await listAtoms(db, plan.id);
  const id = Object.fromEntries(atoms.map((a) => [a.name, a.id])) as Record<string, string>;
  const edge = (from: string, to: string, kind: 'call' | 'type' = 'call') => ({
    from: id[from]!,
    to: id[to]!,
    kind,
    symbol: from,
  });
  const ready = await saveGraph(db, {
    planId: plan.id,
    edges: [
      edge('a', 'c'),
      edge('b', 'c'),
      edge('b', 'c', 'type'),
      edge('c', 'd'),
      edge('d', 'e'),
      edge('d', 'f'),
      edge('e', 'f'),
      edge('f', 'e'),
    ],
    waves: [[id.a!, id.b!], [id.c!], [id.d!], [id.e!, id.f!]],
    cycleGroups: [[id.e!, id.f!]],
    criticalPath: [id.a!, id.c!, id.d!, id.e!],
    maxParallelism: 2,
    pendingPrerequisites: new Map([
      [id.a!, 0],
      [id.b!, 0],
      [id.c!, 2],
      [id.d!, 1],
      [id.e!, 1],
      [id.f!, 1],
    ]),
  });
  return { plan, id, ready };
}

async function validate(db: Db, atomId: string): Promise<string[]> {
  await claimAttempt(db, atomId, 1);
  expect(await completeAttempt(db, atomId, 1, 'code')).toBe(true);
  return releaseDependents(db, (await findAtom(db, atomId))!);
}

describe('the eager scheduler in Postgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  }, 30_000);
  afterAll(() => database?.drop());

  it('releases an atom exactly when its last distinct prerequisite is validated', async () => {
    const { db } = database.handle;
    const { id, ready } = await seed(db);
    expect(ready.sort()).toEqual([id.a, id.b].sort());
    expect(await validate(db, id.a!)).toEqual([]);
    expect(await validate(db, id.b!)).toEqual([id.c]); // two edges b -> c count once
    expect(await validate(db, id.c!)).toEqual([id.d]);
    expect((await validate(db, id.d!)).sort()).toEqual([id.e, id.f].sort());
    // Inside the cycle group, validating e does not touch f's counter.
    expect(await validate(db, id.e!)).toEqual([]);
    expect((await findAtom(db, id.f!))!.pendingPrerequisites).toBe(0);
  });

  it('makes a re-run of the same attempt a no-op', async () => {
    const { db } = database.handle;
    const { id } = await seed(db);
    expect(await claimAttempt(db, id.a!, 1)).toBeDefined();
    expect(await claimAttempt(db, id.a!, 1)).toBeDefined(); // a redelivered job may resume attempt 1
    expect(await claimAttempt(db, id.a!, 2)).toBeUndefined(); // but cannot skip ahead
    expect(await completeAttempt(db, id.a!, 1, 'x')).toBe(true);
    expect(await completeAttempt(db, id.a!, 1, 'x')).toBe(false);
    expect(await claimAttempt(db, id.a!, 1)).toBeUndefined();
  });

  it('blocks every transitive dependent of a failed atom, and only those', async () => {
    const { db } = database.handle;
    const { id, plan } = await seed(db);
    expect(await claimAttempt(db, id.c!, 1)).toBeUndefined(); // c still waits for a and b
    await claimAttempt(db, id.a!, 1);
    expect(
      await rejectAttempt(db, id.a!, 1, {
        final: true,
        level: 'atom',
        diagnostics: [{ level: 'atom', message: 'syntax' }],
        errorCategory: 'syntax',
      }),
    ).toBe(true);
    expect((await blockDependents(db, plan.id, id.a!)).sort()).toEqual(
      [id.c, id.d, id.e, id.f].sort(),
    );
    const statuses = Object.fromEntries(
      (await listAtoms(db, plan.id)).map((a) => [a.name, a.status]),
    );
    expect(statuses).toEqual({
      a: 'failed',
      b: 'ready',
      c: 'blocked',
      d: 'blocked',
      e: 'blocked',
      f: 'blocked',
    });
  });
});
