/**
 * Conversations with the requirements assistant (the ChatService): the API, its live stream and
 * `mge chat`, against the planner role on real Redis and Postgres, the model being the local
 * Messages-API server (SCRIPTED answers).
 */
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { WebSocket } from 'ws';
import { createApp, startApi, type RunningApi } from '@mge/api';
import { createApiKey, ensureTenant, findDiscovery, usageEvents } from '@mge/db';
import { runMge } from '@test/cli';
import { plannerFleetEnv, startFakeAnthropic, type FakeAnthropic } from '@test/fake-anthropic';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import {
  answer,
  discovery,
  invalidJson,
  milestone1,
  milestone2,
  refusal,
  REQUIREMENTS,
  skeleton,
} from '@test/planner-answers';
import { waitFor } from '@test/services';

jest.setTimeout(90_000);

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const LOAN_DAYS = 'How many days does a loan last?';
const CURRENCY = 'Which currency are late fees in?';

/** The assistant's first turn: requirements restated, one blocking and one other question. */
const askingTurn = {
  reply: 'A library loans service: members borrow and return books, with late fees.',
  requirements: REQUIREMENTS,
  openQuestions: [
    { question: LOAN_DAYS, blocking: true, defaultAnswer: '14 days' },
    { question: CURRENCY, blocking: false, defaultAnswer: 'EUR' },
  ],
  answer: null,
  go: false,
};
/** The user answered the blocking question: nothing blocks any more. */
const answeredTurn = {
  reply: 'Thanks: a loan lasts 21 days.',
  requirements: `${REQUIREMENTS}\nA loan lasts 21 days.`,
  openQuestions: [],
  answer: '21 days',
  go: false,
};
/** Everything the planner role asks after the conversation starts discovery. */
const planAnswers = [answer(discovery), answer(skeleton), answer(milestone1), answer(milestone2)];

interface Frame {
  type: string;
  [field: string]: unknown;
}

// Response bodies are JSON read by shape in these tests.
/* eslint-disable @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call */
describe('conversations: the assistant asks blocking questions, then planning starts', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;
  let api: RunningApi;
  let otherKey: string;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    fleet = await startTestFleet(plannerFleetEnv(fake.url), ['planner']);
    api = await startApi(fleet.config, fleet.resources, 0);
    const other = await ensureTenant(fleet.resources.db, 'other-tenant');
    otherKey = await createApiKey(fleet.resources.db, other.id);
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await fleet?.stop();
    await fake?.close();
  });

  const post = (path: string, body: unknown, headers = auth) =>
    request(fleet.app)
      .post(path)
      .set(headers)
      .send(body as object);
  const get = (path: string, headers = auth) => request(fleet.app).get(path).set(headers);
  const promptOf = (index: number) => fake.requests[index]!.messages[0]!.content;
  const conversationOf = (id: string) => get(`/api/v1/chat/conversations/${id}`);

  /** Frames of `WS /ws/chat/:id` as they arrive. */
  async function follow(id: string, headers = auth) {
    const frames: Frame[] = [];
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${api.port}/ws/chat/${id}`, { headers });
      socket.on('message', (data) =>
        frames.push(JSON.parse((data as Buffer).toString('utf8')) as Frame),
      );
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
    const until = (predicate: (f: Frame) => boolean, what: string) =>
      waitFor(() => Promise.resolve(frames.find(predicate)), what);
    const close = () =>
      new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    return { frames, until, close };
  }

  let planned: string;

  it('asks the blocking question, records the answer, starts discovery and the MasterPlan, and streams the replies', async () => {
    const before = fake.requests.length;
    fake.script(invalidJson, answer(askingTurn));
    const started = await post('/api/v1/chat/conversations', { message: REQUIREMENTS });
    expect(started.status).toBe(201);
    // The broken answer was asked again with feedback, then validated.
    expect(fake.requests.length - before).toBe(2);
    expect(promptOf(before + 1)).toContain('The previous answer could not be used');
    expect(started.body).toMatchObject({
      planningStarted: false,
      question: { question: LOAN_DAYS, blocking: true, defaultAnswer: '14 days', answer: null },
      conversation: { status: 'asking', discoveryId: null, planId: null },
    });
    expect(started.body.reply.content).toContain(askingTurn.reply);
    expect(started.body.reply.content).toContain(LOAN_DAYS);
    // One question at a time: the non-blocking one is not asked.
    expect(started.body.reply.content).not.toContain(CURRENCY);
    const id = started.body.conversation.conversationId as string;
    planned = id;

    const live = await follow(id);
    const snapshot = await live.until((f) => f.type === 'snapshot', 'the snapshot');
    expect((snapshot.conversation as { messages: unknown[] }).messages).toHaveLength(2);

    fake.script(answer(answeredTurn), ...planAnswers);
    const asked = fake.requests.length;
    const res = await post(`/api/v1/chat/conversations/${id}/messages`, {
      message: 'Three weeks: 21 days.',
    });
    expect(res.status).toBe(201);
    expect(promptOf(asked)).toContain(`Question the user was asked last: ${LOAN_DAYS}`);
    expect(promptOf(asked)).toContain('USER: Three weeks: 21 days.');
    expect(res.body).toMatchObject({
      planningStarted: true,
      question: null,
      conversation: { status: 'planning' },
    });
    const discoveryId = res.body.conversation.discoveryId as string;
    expect(res.body.reply.content).toContain(`discovery ${discoveryId}`);

    // The reply arrived on the socket in order, chunk by chunk, then `done` and the link.
    const done = await live.until((f) => f.type === 'chat' && f.done === true, 'the reply');
    expect(done.messageId).toBe(res.body.reply.id);
    const lastDone = live.frames.filter((f) => f.type === 'chat' && f.done).at(-2);
    const since = lastDone ? live.frames.indexOf(lastDone) : 0;
    const deltas = live.frames.slice(since).filter((f) => f.type === 'chat' && !f.done);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((f) => f.delta).join('')).toBe(res.body.reply.content);
    await live.until(
      (f) => f.type === 'conversation' && f.status === 'planning' && f.discoveryId === discoveryId,
      'the planning event',
    );

    // Discovery got the requirements and the answers (the open one with its default, marked).
    const doc = await findDiscovery(fleet.resources.db, discoveryId);
    expect(doc?.requirements).toContain('A loan lasts 21 days.');
    expect(doc?.requirements).toContain(`- ${LOAN_DAYS}\n  Answer: 21 days`);
    expect(doc?.requirements).toContain(`- ${CURRENCY}\n  Answer (default, not confirmed): EUR`);

    // Once analysed, the planner writes the MasterPlan and links it to the conversation.
    const planId = await waitFor(async () => {
      const c = await conversationOf(id);
      return (c.body.planId as string | null) ?? undefined;
    }, 'the plan link');
    await live.until((f) => f.type === 'conversation' && f.planId === planId, 'the plan event');
    await live.close();
    const plan = await waitFor(async () => {
      const p = await get(`/api/v1/masterplan/${planId}`);
      return p.body.status === 'planning' ? undefined : p.body;
    }, 'the plan to be written');
    expect(plan).toMatchObject({ status: 'queued', masterplan: { validation: { valid: true } } });

    const shown = await conversationOf(id);
    expect(shown.body.messages.map((m: { role: string; seq: number }) => [m.seq, m.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
      [3, 'user'],
      [4, 'assistant'],
    ]);
    expect(shown.body.questions).toEqual([
      { question: LOAN_DAYS, blocking: true, defaultAnswer: '14 days', answer: '21 days' },
      { question: CURRENCY, blocking: false, defaultAnswer: 'EUR', answer: null },
    ]);
    // Each paid chat call is in the usage ledger under the conversation, and on it.
    const ledger = await fleet.resources.db
      .select()
      .from(usageEvents)
      .where(eq(usageEvents.conversationId, id));
    expect(ledger).toHaveLength(3);
    expect(shown.body.usage.dollars).toBeCloseTo(
      ledger.reduce((sum, row) => sum + row.dollars, 0),
      6,
    );
    expect(shown.body.usage.dollars).toBeGreaterThan(0);

    const again = await post(`/api/v1/chat/conversations/${id}/messages`, { message: 'more' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('has started planning');
  });

  it('starts planning when the user says go, open questions taking their default answers', async () => {
    fake.script(answer(askingTurn));
    const started = await post('/api/v1/chat/conversations', { message: REQUIREMENTS });
    expect(started.body.conversation.status).toBe('asking');
    const id = started.body.conversation.conversationId as string;
    // The discovery is refused: the conversation's part (starting it) is what is tested here.
    fake.script(answer({ ...answeredTurn, answer: null, go: true }), refusal, refusal, refusal);
    const res = await post(`/api/v1/chat/conversations/${id}/messages`, {
      message: 'No idea, just go.',
    });
    expect(res.body).toMatchObject({ planningStarted: true, conversation: { status: 'planning' } });
    expect(res.body.reply.content).toContain('open questions take their default answers');
    const discoveryId = res.body.conversation.discoveryId as string;
    const doc = await waitFor(async () => {
      const d = await findDiscovery(fleet.resources.db, discoveryId);
      return d?.status === 'analyzing' ? undefined : d;
    }, 'the discovery to settle');
    expect(doc?.requirements).toContain(
      `- ${LOAN_DAYS}\n  Answer (default, not confirmed): 14 days`,
    );
    expect(doc?.status).toBe('failed');
    expect((await conversationOf(id)).body.planId).toBeNull();
  });

  it('asks the blocking questions the discovery raised, then plans from a discovery with the answers', async () => {
    const renewal = 'May loans be renewed?';
    fake.script(
      answer({ ...answeredTurn, answer: null }),
      answer({
        ...discovery,
        openQuestions: [{ question: renewal, blocking: true, defaultAnswer: 'no' }],
      }),
    );
    const started = await post('/api/v1/chat/conversations', { message: REQUIREMENTS });
    expect(started.body).toMatchObject({
      planningStarted: true,
      conversation: { status: 'planning' },
    });
    const id = started.body.conversation.conversationId as string;
    const first = started.body.conversation.discoveryId as string;
    const asking = await waitFor(async () => {
      const c = await conversationOf(id);
      return c.body.status === 'asking' ? c.body : undefined;
    }, 'the discovery question');
    expect(asking.planId).toBeNull();
    expect(asking.messages.at(-1).content).toContain(`discovery ${first}`);
    expect(asking.messages.at(-1).content).toContain(renewal);
    expect(asking.questions.at(-1)).toEqual({
      question: renewal,
      blocking: true,
      defaultAnswer: 'no',
      answer: null,
      from: 'discovery',
    });

    fake.script(answer({ ...answeredTurn, answer: 'Once, for 7 more days.' }), ...planAnswers);
    const res = await post(`/api/v1/chat/conversations/${id}/messages`, {
      message: 'Once, for 7 more days.',
    });
    expect(res.body).toMatchObject({ planningStarted: true });
    const second = res.body.conversation.discoveryId as string;
    expect(second).not.toBe(first);
    const doc = await findDiscovery(fleet.resources.db, second);
    expect(doc?.requirements).toContain(`- ${renewal}\n  Answer: Once, for 7 more days.`);
    const planId = await waitFor(async () => {
      const c = await conversationOf(id);
      return (c.body.planId as string | null) ?? undefined;
    }, 'the plan link');
    const plan = await waitFor(async () => {
      const p = await get(`/api/v1/masterplan/${planId}`);
      return p.body.status === 'planning' ? undefined : p.body;
    }, 'the plan to be written');
    expect(plan.discoveryId).toBe(second);
  });

  it('says so when the model gives no usable answer, and leaves the conversation as it was', async () => {
    fake.script(refusal, invalidJson, refusal);
    const res = await post('/api/v1/chat/conversations', { message: 'A chess clock app' });
    expect(res.status).toBe(201);
    expect(res.body.reply.content).toMatch(
      /could not get a usable answer from the model \(no usable answer in 3 attempts; last: the model declined/,
    );
    expect(res.body.conversation).toMatchObject({
      status: 'gathering',
      requirements: '',
      questions: [],
      discoveryId: null,
    });
  });

  it("keeps each tenant's conversations to itself", async () => {
    const other = { authorization: `Bearer ${otherKey}` };
    const before = (await conversationOf(planned)).body.messages.length as number;
    const seen = await get(`/api/v1/chat/conversations/${planned}`, other);
    expect(seen.status).toBe(404);
    expect(JSON.stringify(seen.body)).not.toContain('library');
    const sent = await post(
      `/api/v1/chat/conversations/${planned}/messages`,
      { message: 'hijack' },
      other,
    );
    expect(sent.status).toBe(404);
    expect((await conversationOf(planned)).body.messages).toHaveLength(before);
    expect((await get('/api/v1/chat/conversations', other)).body).toEqual({
      items: [],
      nextCursor: null,
    });
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${api.port}/ws/chat/${planned}`, {
        headers: other,
      });
      ws.once('unexpected-response', (req, response) => {
        req.destroy();
        resolve(response.statusCode ?? 0);
      });
      ws.once('open', () => reject(new Error('another tenant was let in')));
    });
    expect(refused).toBe(404);

    // The owner's list is paged, newest first.
    const page = await get('/api/v1/chat/conversations?limit=1');
    expect(page.body.items).toHaveLength(1);
    const next = await get(`/api/v1/chat/conversations?limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.items[0].conversationId).not.toBe(page.body.items[0].conversationId);
  });

  it('answers 400 naming the field for bad input, and 409 without a model', async () => {
    const id = planned;
    const cases: [string, unknown, RegExp][] = [
      [`/api/v1/chat/conversations/${id}/messages`, { message: '' }, /message/],
      [`/api/v1/chat/conversations/${id}/messages`, {}, /message/],
      ['/api/v1/chat/conversations', { message: 5 }, /message/],
      ['/api/v1/chat/conversations', { text: 'hello' }, /text/],
    ];
    for (const [path, body, field] of cases) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.message).toMatch(field);
    }
    const badId = await get('/api/v1/chat/conversations/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain('conversation id');

    const config = { ...fleet.config, llm: { ...fleet.config.llm, provider: 'offline' as const } };
    const offline = createApp({
      config,
      deps: { resources: { ...fleet.resources, config }, defaultTenantId: fleet.tenantId },
    });
    const res = await request(offline)
      .post('/api/v1/chat/conversations')
      .set(auth)
      .send({ message: 'hello' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('ANTHROPIC_API_KEY');
  });

  describe('mge chat --message', () => {
    const { MGE_API_KEY: _key, ...env } = process.env;
    const mge = (...args: string[]) =>
      runMge(['chat', '--api', api.url, ...args], {
        env: { ...env, MGE_ADMIN_TOKEN: ADMIN_TOKEN },
      });

    it('prints the reply and the question, then on the answer the plan id', async () => {
      fake.script(answer(askingTurn));
      const first = await mge('--message', 'A library loans service');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`assistant> ${askingTurn.reply}`);
      expect(first.stdout).toContain(LOAN_DAYS);
      const id = /continue with --conversation (\S+)/.exec(first.stderr)?.[1];
      expect(id).toBeDefined();

      fake.script(answer(answeredTurn), ...planAnswers);
      const second = await mge('--conversation', id!, '--message', '21 days', '--json');
      expect(second.code).toBe(0);
      const out = JSON.parse(second.stdout) as Record<string, unknown>;
      expect(out).toMatchObject({
        conversationId: id,
        status: 'planning',
        planningStarted: true,
        question: null,
      });
      expect(out.planId).toEqual((await conversationOf(id!)).body.planId);
      expect(out.planId).toEqual(expect.any(String));
      await waitFor(async () => {
        const p = await get(`/api/v1/masterplan/${out.planId as string}`);
        return p.body.status === 'planning' ? undefined : p.body;
      }, 'the plan to be written');
    });

    it('talks a line at a time on stdin until planning starts, then prints the plan id', async () => {
      fake.script(answer(askingTurn), answer(answeredTurn), ...planAnswers);
      const result = await runMge(['chat', '--api', api.url], {
        env: { ...env, MGE_ADMIN_TOKEN: ADMIN_TOKEN },
        input: 'A library loans service\n\n21 days\nthis line is never sent\n',
      });
      expect(result.code).toBe(0);
      const replies = result.stdout.split('\n').filter((l) => l.startsWith('assistant> '));
      expect(replies).toHaveLength(2);
      expect(result.stdout).toContain(LOAN_DAYS);
      expect(result.stderr).toMatch(/planning started: discovery \S+; waiting for the plan/);
      const planId = /plan (\S+) is being written/.exec(result.stdout)?.[1];
      expect(planId).toEqual(expect.any(String));
      const listed = await get('/api/v1/chat/conversations?limit=1');
      expect(listed.body.items[0]).toMatchObject({ planId, status: 'planning' });
      expect(
        (await conversationOf(listed.body.items[0].conversationId as string)).body.messages,
      ).toHaveLength(4);
      await waitFor(async () => {
        const p = await get(`/api/v1/masterplan/${planId}`);
        return p.body.status === 'planning' ? undefined : p.body;
      }, 'the plan to be written');
    });

    it('refuses an empty message with exit 2', async () => {
      const result = await mge('--message', '   ');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--message must not be empty');
    });
  });
});
