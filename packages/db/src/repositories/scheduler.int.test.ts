import { createTestDatabase, type TestDatabase } from '@test/services';
import type { Db } from '../client.js';
import {
  findAtom,
  findAtomWithContext,
  findAtomAndPlan,
  claimAttempt,
  claimAttemptLookingUp,
  rejectAttempt,
  validateAttempt,
  blockDependents,
  insertAtoms,
  listAtoms,
} from './atoms.js';
import { saveGraph } from './graph.js';
import { recordPaidCall } from './llm-ledger.js';
import { findPlan, insertPlanWithTasks } from './plans.js';
import { ensureTenant } from './tenants.js';
import { listValidation } from './validation.js';

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

function accept(db: Db, atomId: string, attempt: number, code: string) {
  return findAtom(db, atomId).then((atom) =>
    validateAttempt(db, atom!, attempt, code, {
      scheduling: 'eager',
      validation: {
        masterplanId: atom!.masterplanId,
        atomId,
        level: 'atom',
        scope: atom!.file,
        passed: true,
      },
    }),
  );
}

async function validate(db: Db, atomId: string): Promise<string[]> {
  await claimAttempt(db, atomId, 1);
  const settled = await accept(db, atomId, 1, 'code');
  expect(settled).toBeDefined();
  return settled!.ready;
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
    const f = await findAtom(db, id.f!);
    expect([f!.status, f!.readyAt]).toEqual(['ready', expect.any(Date)]);
    expect((await findAtom(db, id.e!))!).toMatchObject({ status: 'validated', code: 'code' });
  });

  it("reads an atom with its prerequisites' code and its file's atoms, in file order", async () => {
    const { db } = database.handle;
    const { id } = await seed(db);
    await seed(db); // another plan's atoms are no siblings
    await validate(db, id.a!);
    const c = await findAtomWithContext(db, id.c!);
    expect(c?.prerequisites).toEqual([
      { file: 'a.ts', name: 'a', code: 'code' },
      { file: 'a.ts', name: 'b', code: null },
    ]);
    expect(c?.siblings).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({ id: id[n], code: n === 'a' ? 'code' : '' })),
    );
  });

  it('makes a re-run of the same attempt a no-op', async () => {
    const { db } = database.handle;
    const { id } = await seed(db);
    expect(await claimAttempt(db, id.a!, 1)).toBeDefined();
    expect(await claimAttempt(db, id.a!, 1)).toBeDefined(); // a redelivered job may resume attempt 1
    expect(await claimAttempt(db, id.a!, 2)).toBeUndefined(); // but cannot skip ahead
    expect(await accept(db, id.a!, 1, 'x')).toEqual({ ready: [], remaining: expect.any(Number) });
    expect(await accept(db, id.a!, 1, 'x')).toBeUndefined();
    expect(await claimAttempt(db, id.a!, 1)).toBeUndefined();
  });

  it('reads an atom with its context and its plan in one statement, the input kept after', async () => {
    const { db } = database.handle;
    const { id, plan } = await seed(db);
    const first = await findAtomAndPlan(db, id.c!, plan.id);
    expect(first?.atom).toEqual(await findAtomWithContext(db, id.c!));
    // The seeded plan is atomizing: its input is read (it may not change any more) and kept.
    expect(first?.plan).toEqual(await findPlan(db, plan.id));
    const again = await findAtomAndPlan(db, id.c!, plan.id);
    expect(again?.plan).toEqual(await findPlan(db, plan.id));
    expect(again?.plan.input.tasks).toHaveLength(1);
    const other = await seed(db);
    expect(await findAtomAndPlan(db, id.c!, other.plan.id)).toMatchObject({
      atom: { id: id.c },
      plan: { id: other.plan.id },
    });
    expect(
      await findAtomAndPlan(db, id.c!, '00000000-0000-0000-0000-000000000000'),
    ).toBeUndefined();
    expect(
      await findAtomAndPlan(db, '00000000-0000-0000-0000-000000000000', plan.id),
    ).toBeUndefined();
  });

  it('claims and reads the response cache in one statement, claiming as claimAttempt does', async () => {
    const { db } = database.handle;
    const { id, plan } = await seed(db);
    const call = { promptHash: `h-${id.a}`, model: 'm' };
    const claimed = await claimAttemptLookingUp(db, id.a!, 1, call);
    expect(claimed).toEqual({ atom: await findAtom(db, id.a!), cached: undefined });
    expect(claimed?.atom).toMatchObject({ status: 'running', attempt: 1 });
    const response = { text: 'export const a = 1;', usage: { inputTokens: 1 } };
    await recordPaidCall(db, {
      ...call,
      response,
      usage: {
        planId: plan.id,
        model: 'm',
        provider: 'sim',
        dollars: 0,
        atomId: id.a!,
        attempt: 1,
      },
    });
    // A redelivered job resumes the attempt and finds the answer it paid for.
    expect(await claimAttemptLookingUp(db, id.a!, 1, call)).toMatchObject({ cached: response });
    expect(await claimAttemptLookingUp(db, id.a!, 1, { ...call, model: 'other' })).toMatchObject({
      cached: undefined,
    });
    expect(await claimAttemptLookingUp(db, id.a!, 2, call)).toBeUndefined();
    expect(await claimAttemptLookingUp(db, id.c!, 1, call)).toBeUndefined(); // c is pending
  });

  it("builds each hot statement once and fills in each call's own values", async () => {
    const { db } = database.handle;
    const { id, plan } = await seed(db);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
    const settle = async (name: string, extra: { durationMs?: number } = {}) => {
      const call = { promptHash: `h-${id[name]}`, model: 'm' };
      expect(await claimAttemptLookingUp(db, id[name]!, 1, call)).toBeDefined();
      const settled = await validateAttempt(db, (await findAtom(db, id[name]!))!, 1, name, {
        scheduling: 'eager',
        validation: {
          masterplanId: plan.id,
          atomId: id[name]!,
          level: 'atom',
          scope: 'a.ts',
          passed: true,
          ...extra,
        },
      });
      expect(settled).toBeDefined();
      await recordPaidCall(db, {
        ...call,
        response: { text: name },
        usage: {
          planId: plan.id,
          model: 'm',
          provider: 'sim',
          dollars: 0.5,
          inputTokens: 10,
          outputTokens: name.length,
          atomId: id[name]!,
          attempt: 1,
        },
      });
      return { atom: (await findAtom(db, id[name]!))!, plan: (await findPlan(db, plan.id))! };
    };
    const a = await settle('a');
    await pause();
    const b = await settle('b', { durationMs: 7 });
    // Times are each call's (drizzle computes an $onUpdate time when it builds a statement).
    expect(b.atom.settledAt!.getTime()).toBeGreaterThan(a.atom.settledAt!.getTime());
    expect(b.atom.updatedAt.getTime()).toBeGreaterThan(a.atom.updatedAt.getTime());
    expect(b.plan.updatedAt.getTime()).toBeGreaterThan(a.plan.updatedAt.getTime());
    const c = (await findAtom(db, id.c!))!; // released by b's settle
    expect([c.status, c.updatedAt.getTime()]).toEqual(['ready', b.atom.updatedAt.getTime()]);
    expect([a.atom.code, b.atom.code]).toEqual(['a', 'b']);
    expect(b.plan).toMatchObject({ spentDollars: 1, spentTokens: 22 });
    expect(b.plan.atomsRemaining).toBe(a.plan.atomsRemaining - 1);
    // The validation rows: each atom's, a column left out takes its default.
    const rows = await listValidation(db, plan.id);
    expect(rows.map((r) => [r.atomId, r.durationMs])).toEqual([
      [id.a, 0],
      [id.b, 7],
    ]);
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
        answer: 'export const a = (;',
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
