import { symlink } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { createApiKey, ensureTenant, listAtoms, listPlanUsage } from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { planIn } from '@test/plan-status';
import { threeFilePlan } from '@test/plans';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Every entry of a zip with its text, read back with yauzl. */
function unzip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    fromBuffer(buffer, { lazyEntries: true }, (err, zip?: ZipFile) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const files = new Map<string, string>();
      zip.on('entry', (entry: Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A plan's output workspace over HTTP: its files, one file, the zip; tenant-scoped, path-checked. */
describe("a completed plan's output files and timeline", () => {
  let fleet: TestFleet;
  let planId: string;
  let outputDir: string;

  beforeAll(async () => {
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_FAULT_RATE: '0',
      MGE_SIM_LATENCY_MS: '0',
    });
    const res = await request(fleet.app)
      .post('/api/v2/plans')
      .set(admin)
      .send(threeFilePlan('output-files'));
    const plan = await planIn(fleet.resources.db, res.body.id as string, ['completed']);
    planId = plan.id;
    outputDir = plan.outputDir!;
  }, 60_000);
  afterAll(() => fleet?.stop());

  const get = (url: string) => request(fleet.app).get(url).set(admin);

  it('lists the files the plan wrote, with their sizes', async () => {
    const res = await get(`/api/v2/plans/${planId}/files`);
    expect(res.status).toBe(200);
    const paths = (res.body.files as { path: string; size: number }[]).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['src/math.ts', 'src/stats.ts', 'src/report.ts']));
    for (const f of res.body.files as { size: number }[]) expect(f.size).toBeGreaterThan(0);
  });

  it('returns one file as text', async () => {
    const res = await get(`/api/v2/plans/${planId}/file?path=src/math.ts`);
    expect(res.status).toBe(200);
    expect(res.body.path).toBe('src/math.ts');
    expect(res.body.content).toContain('function add');
  });

  it.each([
    ['a parent directory', '../../etc/passwd', 400],
    ['an encoded parent directory', '%2e%2e/%2e%2e/etc/passwd', 400],
    ['an absolute path', '/etc/passwd', 400],
    ['a path that climbs back in', 'src/../../output-files/src/math.ts', 400],
    ['a missing file', 'src/nothing.ts', 404],
    ['a directory', 'src', 404],
  ])('refuses %s', async (_what, file, status) => {
    const res = await get(`/api/v2/plans/${planId}/file?path=${file}`);
    expect(res.status).toBe(status);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(JSON.stringify(res.body)).not.toContain('root:');
  });

  it('refuses a symbolic link that leads out of the workspace', async () => {
    await symlink('/etc/hostname', path.join(outputDir, 'src', 'escape.ts'));
    const res = await get(`/api/v2/plans/${planId}/file?path=src/escape.ts`);
    expect(res.status).toBe(400);
  });

  it('streams the workspace as a zip under the plan name', async () => {
    const res = await get(`/api/v2/plans/${planId}/output.zip`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe('attachment; filename="output-files.zip"');
    const files = await unzip(res.body as Buffer);
    const math = await get(`/api/v2/plans/${planId}/file?path=src/math.ts`);
    expect(files.get('output-files/src/math.ts')).toBe(math.body.content);
    expect([...files.keys()].every((f) => f.startsWith('output-files/'))).toBe(true);
  });

  it('answers its timeline: cumulative spend per LLM call and atoms settled, oldest first', async () => {
    const res = await get(`/api/v2/plans/${planId}/timeline`);
    expect(res.status).toBe(200);
    const { spend, settled, simulated } = res.body as {
      spend: { at: string; tokens: number; dollars: number }[];
      settled: { at: string; validated: number; failed: number }[];
      simulated: boolean;
    };
    expect(simulated).toBe(true);
    const calls = await listPlanUsage(fleet.resources.db, planId);
    expect(spend).toHaveLength(calls.length);
    const tokens = calls.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0);
    expect(spend[spend.length - 1]!.tokens).toBe(tokens);
    const atoms = await listAtoms(fleet.resources.db, planId);
    expect(settled[settled.length - 1]).toMatchObject({ validated: atoms.length, failed: 0 });
    for (const series of [spend, settled])
      for (let i = 1; i < series.length; i++)
        expect(Date.parse(series[i]!.at)).toBeGreaterThanOrEqual(Date.parse(series[i - 1]!.at));
  });

  it("answers 404 for another tenant's plan", async () => {
    const other = await ensureTenant(fleet.resources.db, 'output-outsider');
    const key = { authorization: `Bearer ${await createApiKey(fleet.resources.db, other.id)}` };
    for (const url of ['files', 'file?path=src/math.ts', 'output.zip', 'timeline']) {
      const res = await request(fleet.app).get(`/api/v2/plans/${planId}/${url}`).set(key);
      expect(res.status).toBe(404);
    }
  });
});
