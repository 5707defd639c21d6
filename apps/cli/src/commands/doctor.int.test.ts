import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { detectSandbox } from '@mge/validation';
import { doctorReport, type DoctorReport } from './doctor.js';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'mge.js');
const support = detectSandbox();
const base = { PATH: process.env.PATH };

describe('mge doctor', () => {
  it('reports the defaults: best sandbox, local Redis, embedded PGlite, offline LLM', async () => {
    const report = await doctorReport(base);
    expect(report.sandbox.use).toBe(support.bwrap ? 'bwrap' : support.unshare ? 'unshare' : null);
    // Integration tests run with Redis at the default address.
    expect(report.redis).toEqual({
      use: 'redis://127.0.0.1:6379',
      detail: 'answers (default address)',
      advice: '',
    });
    expect(report.postgres).toMatchObject({ use: 'embedded PGlite' });
    expect(report.postgres.advice).toMatch(/DATABASE_URL/);
    expect(report.llm).toMatchObject({ use: 'offline' });
    expect(report.llm.advice).toMatch(/ANTHROPIC_API_KEY/);
    let chromadb = true;
    try {
      require.resolve('chromadb');
    } catch {
      chromadb = false;
    }
    expect(report.chroma.use).toBe(chromadb ? 'private chroma run' : null);
  });

  it('follows the environment and never prints a password', async () => {
    const report = await doctorReport({
      ...base,
      REDIS_URL: 'redis://127.0.0.1:1',
      DATABASE_URL: 'postgres://mge:hunter2@127.0.0.1:5432/mge',
      CHROMA_URL: 'http://127.0.0.1:1',
      ANTHROPIC_API_KEY: 'sk-test',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/',
      MGE_SANDBOX: 'weak',
    });
    expect(report.sandbox).toMatchObject({ use: 'weak' });
    expect(report.sandbox.detail).toMatch(/NO isolation.*MGE_SANDBOX=weak/);
    // An explicit REDIS_URL that does not answer is not replaced by a private server.
    expect(report.redis.use).toBeNull();
    expect(report.redis.advice).toMatch(/apt-get install redis-server/);
    expect(report.postgres).toMatchObject({ use: 'postgres://mge:***@127.0.0.1:5432/mge' });
    expect(report.chroma).toMatchObject({ use: null, advice: 'start Chroma or fix CHROMA_URL' });
    expect(report.llm).toMatchObject({ use: 'anthropic', advice: '' });
    expect(report.llm.detail).toContain('http://127.0.0.1:9/');
    expect(JSON.stringify(report)).not.toContain('hunter2');
  });

  // The compiled CLI on a machine without bubblewrap: PATH holds util-linux and Redis only.
  (support.unshare ? it : it.skip)(
    'says, from the CLI with exit code 0, that unshare is used and how to get bwrap',
    async () => {
      const bin = await mkdtemp(path.join(tmpdir(), 'mge-doctor-bin-'));
      try {
        for (const tool of ['unshare', 'prlimit', 'setpriv', 'redis-server'])
          await symlink(`/usr/bin/${tool}`, path.join(bin, tool));
        const run = (args: string[], env: Record<string, string> = {}) =>
          promisify(execFile)(process.execPath, [CLI, 'doctor', ...args], {
            env: { PATH: bin, ...env },
          });
        const report = JSON.parse((await run(['--json'])).stdout) as DoctorReport;
        expect(report.sandbox).toMatchObject({ use: 'unshare' });
        expect(report.sandbox.advice).toMatch(
          /bwrap is not installed \(apt-get install bubblewrap\)/,
        );
        const text = (await run([])).stdout;
        expect(text).toMatch(/^sandbox +unshare: /m);
        expect(text).toMatch(/^llm +offline: /m);
        const forced = JSON.parse((await run(['--json'], { MGE_SANDBOX: 'bwrap' })).stdout);
        expect((forced as DoctorReport).sandbox).toEqual({
          use: null,
          detail: 'L4 refuses to run generated tests',
          advice: expect.stringMatching(/MGE_SANDBOX=bwrap but bwrap is not installed/),
        });
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
