/**
 * `mge plan REQUIREMENTS.md` as a user runs it: the compiled CLI in its own process against an API
 * with the planner role (real Redis and Postgres), the model being the local Messages-API server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, startApi, type RunningApi } from '@mge/api';
import { runMge } from '@test/cli';
import { fakeAnthropicEnv, startFakeAnthropic, type FakeAnthropic } from '@test/fake-anthropic';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import {
  answer,
  broken,
  discovery,
  milestone1,
  milestone2,
  refusal,
  REQUIREMENTS,
  skeleton,
} from '@test/planner-answers';

jest.setTimeout(60_000);

const { MGE_API_KEY: _key, ...withoutApiKey } = process.env;

describe('mge plan REQUIREMENTS.md', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;
  let dir: string;
  const servers: Server[] = [];
  let api: RunningApi;
  let withModel: string;
  /** The same fleet's app without the live sockets (a plain HTTP server): the CLI polls. */
  let withoutSockets: string;
  let withoutModel: string;

  const listen = (app: ReturnType<typeof createApp>) =>
    new Promise<string>((resolve) => {
      const server = app.listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      );
      servers.push(server);
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mge-plan-'));
    writeFileSync(path.join(dir, 'REQUIREMENTS.md'), REQUIREMENTS);
    fake = await startFakeAnthropic();
    fleet = await startTestFleet(
      {
        ...fakeAnthropicEnv(fake),
        MGE_PLANNER_REPAIR_ROUNDS: '1',
      },
      ['planner'],
    );
    api = await startApi(fleet.config, fleet.resources, 0);
    withModel = api.url;
    withoutSockets = await listen(fleet.app);
    // The same fleet as an API configured without a model (the offline provider).
    const config = { ...fleet.config, llm: { ...fleet.config.llm, provider: 'offline' as const } };
    withoutModel = await listen(
      createApp({
        config,
        deps: { resources: { ...fleet.resources, config }, defaultTenantId: fleet.tenantId },
      }),
    );
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await fleet?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const mge = (api: string, ...args: string[]) =>
    runMge(['plan', path.join(dir, 'REQUIREMENTS.md'), '--api', api, ...args], {
      env: { ...withoutApiKey, MGE_ADMIN_TOKEN: ADMIN_TOKEN },
    });

  it('runs discovery then the MasterPlan, showing progress, and prints the plan as JSON', async () => {
    fake.script(
      answer(discovery),
      refusal,
      answer(skeleton),
      answer(milestone1),
      answer(milestone2),
    );
    const result = await mge(withModel, '--json');
    // Each step as the live sockets told it, in order, then the summaries.
    const lines = result.stderr.split('\n');
    const at = (line: string) => lines.indexOf(line);
    expect(at('discovery: queued')).toBeGreaterThanOrEqual(0);
    expect(at('discovery: asking the model (attempt 1)')).toBeGreaterThan(at('discovery: queued'));
    expect(at('discovery: done')).toBeGreaterThan(at('discovery: asking the model (attempt 1)'));
    expect(lines).toContain('skeleton: asking the model (attempt 1)');
    expect(
      lines.some((l) => l.startsWith('skeleton: answer rejected (attempt 1), asking again: ')),
    ).toBe(true);
    expect(lines).toContain('skeleton: asking the model (attempt 2)');
    expect(lines).toContain('milestone:M2: started (milestone 2 of 2: Catalog and loans)');
    expect(lines.some((l) => /^ {2}cost: \$\d+\.\d{4}, \d+ tokens/.test(l))).toBe(true);
    expect(result.stderr).toContain('discovery: 4 requirements');
    expect(result.stderr).toContain('masterplan: 2 milestones, 3 tasks, requirements covered 4/4');
    expect(result.stderr).toMatch(/estimated cost to write 3 tasks: about \d+ tokens, \$\d/);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as {
      discovery: { status: string };
      masterplan: { status: string; masterplan: { validation: { valid: boolean } } };
    };
    expect(out.discovery.status).toBe('ready');
    expect(out.masterplan).toMatchObject({
      status: 'queued',
      masterplan: { validation: { valid: true } },
    });
  });

  it('shows the errors repair could not fix and exits 1', async () => {
    fake.script(
      answer(discovery),
      answer(skeleton),
      answer(milestone1),
      answer(broken.cycle),
      answer(broken.cycle),
    );
    // Against an API without the live sockets: the CLI polls instead, with the same outcome.
    const result = await mge(withoutSockets);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error dependency_cycle at tasks\[\d\]\.dependsOn/);
    expect(result.stderr).toContain('discovery: 4 requirements');
    expect(result.stderr).not.toContain('asking the model');
  });

  it('says exactly what to configure when the fleet has no model, and exits 2', async () => {
    const result = await mge(withoutModel);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ANTHROPIC_API_KEY=');
    expect(result.stderr).toContain('ANTHROPIC_BASE_URL=');
    expect(result.stderr).toContain('npx mge demo');
  });
});
