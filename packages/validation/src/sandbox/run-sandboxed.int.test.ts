import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_SANDBOX_LIMITS, type SandboxOptions } from './limits.js';
import { nodeInterpreter } from './interpreters.js';
import { runSandboxed, SandboxUnavailableError } from './run-sandboxed.js';

/** Small limits keep every hostile case fast. */
const options: SandboxOptions = {
  allowWeak: false,
  limits: {
    ...DEFAULT_SANDBOX_LIMITS,
    cpuSeconds: 2,
    memoryBytes: 1024 ** 3,
    maxProcesses: 16,
    wallClockMs: 4000,
    maxOutputBytes: 64 * 1024,
  },
};

describe('the sandbox that runs generated code', () => {
  let workspace: string;
  beforeEach(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'mge-sandbox-test-'));
  });
  afterEach(() => rm(workspace, { recursive: true, force: true }));

  const run = async (code: string) => {
    await writeFile(path.join(workspace, 'main.js'), code);
    const node = nodeInterpreter();
    return runSandboxed(
      { workspace, command: [node.path, 'main.js'], readOnly: node.prefix ? [node.prefix] : [] },
      options,
    );
  };

  it('runs ordinary code in bubblewrap and returns its output', async () => {
    const result = await run('console.log("hello from", process.cwd())');
    expect(result).toMatchObject({ exitCode: 0, isolation: 'bwrap', timedOut: false });
    expect(result.stdout).toBe('hello from /work\n');
  });

  it('gives code that opens a network connection no network', async () => {
    const result = await run(`
      const net = require('net');
      const socket = net.connect(6379, '127.0.0.1');
      socket.on('connect', () => { console.log('CONNECTED'); process.exit(0); });
      socket.on('error', (e) => { console.log('refused', e.code); process.exit(3); });
    `);
    expect(result.stdout).not.toContain('CONNECTED');
    expect(result.exitCode).toBe(3);
  });

  it('lets code write only inside its workspace', async () => {
    const outside = path.join(tmpdir(), `mge-escape-${process.pid}`);
    const result = await run(`
      const fs = require('fs');
      for (const target of ['/usr/mge-escape', ${JSON.stringify(outside)}, '/etc/mge-escape']) {
        try { fs.writeFileSync(target, 'x'); console.log('WROTE', target); } catch (e) { console.log('denied', e.code); }
      }
      fs.writeFileSync('inside.txt', 'ok');
    `);
    // /usr is read-only; /tmp and / are throw-away tmpfs: nothing reaches the host.
    expect(result.stdout).toContain('denied EROFS');
    for (const target of ['/usr/mge-escape', outside, '/etc/mge-escape'])
      expect(existsSync(target)).toBe(false);
    expect(await readFile(path.join(workspace, 'inside.txt'), 'utf8')).toBe('ok');
  });

  it('stops a fork bomb at the process limit', async () => {
    const result = await run(`
      const { spawn } = require('child_process');
      let started = 0;
      for (let i = 0; i < 500; i++) {
        const child = spawn('/bin/sleep', ['30']);
        child.on('error', () => {});
        if (child.pid) started++;
      }
      console.log('started', started);
      setTimeout(() => process.exit(0), 100);
    `);
    const started = Number(/started (\d+)/.exec(result.stdout)?.[1] ?? '0');
    expect(started).toBeLessThan(options.limits.maxProcesses);
    // Everything it started died with the sandbox.
    expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toMatch(/^\/bin\/sleep 30$/m);
  });

  it('stops unbounded allocation at the memory limit', async () => {
    const result = await run('const a = []; for (;;) a.push(Buffer.alloc(16 * 1024 * 1024, 1));');
    expect(result.exitCode).not.toBe(0);
    expect(result.timedOut).toBe(false);
  });

  it('stops an infinite loop at the CPU-time limit', async () => {
    const result = await run('for (;;) {}');
    expect(result.exitCode).not.toBe(0);
    expect(result.durationMs).toBeLessThan(options.limits.wallClockMs + 1000);
  });

  it('kills a process that blocks without using CPU at the wall-clock limit', async () => {
    const result = await run('setInterval(() => {}, 1000);');
    expect(result.timedOut).toBe(true);
    expect(result.signal ?? result.exitCode).toBeTruthy();
  });

  it('stops code printing without end at the output limit and keeps only the cap', async () => {
    const result = await run('const s = "x".repeat(1 << 16); for (;;) process.stdout.write(s);');
    expect(result.outputLimited).toBe(true);
    expect(result.stdout.length).toBeLessThanOrEqual(options.limits.maxOutputBytes);
  });

  it('refuses to run without bubblewrap unless a weaker sandbox is allowed', async () => {
    await writeFile(path.join(workspace, 'main.js'), 'console.log("weak")');
    const command = { workspace, command: [process.execPath, 'main.js'] };
    const missing = { ...options, bwrapPath: '/nonexistent/bwrap' };
    await expect(runSandboxed(command, missing)).rejects.toThrow(SandboxUnavailableError);
    await expect(runSandboxed(command, missing)).rejects.toThrow(/MGE_SANDBOX_ALLOW_WEAK/);
    const weak = await runSandboxed(command, { ...missing, allowWeak: true });
    expect(weak).toMatchObject({ isolation: 'weak', exitCode: 0, stdout: 'weak\n' });
  });
});
