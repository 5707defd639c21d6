import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectSandbox, ISOLATING_BACKENDS } from './detect.js';
import { DEFAULT_SANDBOX_LIMITS, type SandboxOptions } from './limits.js';
import { nodeInterpreter } from './interpreters.js';
import { runSandboxed } from './run-sandboxed.js';
import { SandboxUnavailableError } from './select-backend.js';

/** Small limits keep every hostile case fast. */
const limits = {
  ...DEFAULT_SANDBOX_LIMITS,
  cpuSeconds: 2,
  memoryBytes: 1024 ** 3,
  maxProcesses: 16,
  wallClockMs: 4000,
  maxOutputBytes: 64 * 1024,
};

const support = detectSandbox();
const backends = ISOLATING_BACKENDS.map((backend) => ({
  backend,
  reason: support.reasons[backend],
}));

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'mge-sandbox-test-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

const runIn = async (options: SandboxOptions, code: string, readOnly: string[] = []) => {
  await writeFile(path.join(workspace, 'main.js'), code);
  const node = nodeInterpreter();
  return runSandboxed(
    {
      workspace,
      command: [node.path, 'main.js'],
      readOnly: [...(node.prefix ? [node.prefix] : []), ...readOnly],
    },
    options,
  );
};

// Every hostile case runs against every backend this machine has; one it lacks shows up as a
// skipped test that names the reason.
describe.each(backends)('the $backend sandbox that runs generated code', ({ backend, reason }) => {
  if (reason) {
    it.skip(`is not available here: ${reason}`, () => {});
    return;
  }
  const options: SandboxOptions = {
    backend,
    allowWeak: false,
    limits,
  };
  const run = (code: string, readOnly?: string[]) => runIn(options, code, readOnly);

  it('runs ordinary code and returns its output; read-only paths are readable only', async () => {
    const shared = await mkdtemp(path.join(tmpdir(), 'mge-sandbox-ro-'));
    await writeFile(path.join(shared, 'lib.txt'), 'shared');
    await chmod(shared, 0o755); // like an interpreter's prefix: readable by the sandbox user
    try {
      const result = await run(
        `const fs = require('fs');
        console.log("hello from", process.cwd(), fs.readFileSync(${JSON.stringify(`${shared}/lib.txt`)}, 'utf8'));
        try { fs.writeFileSync(${JSON.stringify(`${shared}/x`)}, 'x'); } catch (e) { console.log(e.code); }`,
        [shared],
      );
      expect(result).toMatchObject({ exitCode: 0, isolation: backend, timedOut: false });
      expect(result.stdout).toBe('hello from /work shared\nEROFS\n');
      expect(existsSync(path.join(shared, 'x'))).toBe(false);
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
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

  it('lets code use its own loopback device', async () => {
    const result = await run(`
      const server = require('net').createServer((s) => s.end('pong')).listen(0, '127.0.0.1', () => {
        require('net').connect(server.address().port, '127.0.0.1').on('data', (d) => {
          console.log(String(d)); process.exit(0);
        });
      });
    `);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'pong\n' });
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

  it('cannot remount the read-only system writable, even from a nested user namespace', async () => {
    const result = await run(`
      const { spawnSync } = require('child_process');
      const attempts = {
        remount: ['mount', ['-o', 'remount,bind,rw', '/usr']],
        unmount: ['umount', ['-l', '/work']],
        nested: ['unshare', ['-rm', 'sh', '-c', 'mount -o remount,bind,rw /usr && touch /usr/mge-escape']],
      };
      for (const [name, [cmd, args]] of Object.entries(attempts))
        console.log(name, spawnSync(cmd, args).status === 0 ? 'DONE' : 'refused');
    `);
    expect(result.stdout).toBe('remount refused\nunmount refused\nnested refused\n');
    expect(existsSync('/usr/mge-escape')).toBe(false);
  });

  it('hides host files outside the workspace, such as other plans’ outputs', async () => {
    const otherPlan = await mkdtemp(path.join(tmpdir(), 'mge-other-plan-'));
    await mkdir(path.join(otherPlan, 'src'));
    await writeFile(path.join(otherPlan, 'src', 'secret.ts'), 'SECRET');
    const targets = [path.join(otherPlan, 'src', 'secret.ts'), '/root', '/home', process.cwd()];
    try {
      const result = await run(`
        const fs = require('fs');
        for (const target of ${JSON.stringify(targets)}) {
          try {
            const st = fs.statSync(target);
            console.log('SEEN', target, st.isDirectory() ? fs.readdirSync(target).length : fs.readFileSync(target, 'utf8'));
          } catch (e) { console.log('hidden', e.code); }
        }
      `);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).not.toContain('SEEN');
      expect(result.stdout.match(/hidden ENOENT/g)).toHaveLength(targets.length);
    } finally {
      await rm(otherPlan, { recursive: true, force: true });
    }
  });

  it('cannot see or signal host processes', async () => {
    const host = spawn('/bin/sleep', ['37']);
    try {
      const result = await run(`
        const fs = require('fs');
        const pids = fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p));
        const names = pids.map((p) => { try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8'); } catch { return ''; } });
        console.log('sees', pids.length, names.some((n) => n.includes('sleep')) ? 'SLEEP' : 'no-sleep');
        try { process.kill(${host.pid}, 'SIGKILL'); console.log('KILLED'); } catch (e) { console.log('kill', e.code); }
      `);
      expect(result.stdout).toMatch(/^sees \d+ no-sleep\nkill (ESRCH|EPERM)\n$/);
      // Only the sandbox's own few processes are visible.
      expect(Number(/sees (\d+)/.exec(result.stdout)![1])).toBeLessThan(5);
      expect(host.exitCode).toBeNull();
      expect(host.signalCode).toBeNull();
    } finally {
      host.kill('SIGKILL');
    }
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
    expect(started).toBeLessThan(limits.maxProcesses);
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
    expect(result.durationMs).toBeLessThan(limits.wallClockMs + 1000);
  });

  it('kills a process that blocks without using CPU at the wall-clock limit', async () => {
    const result = await run('setInterval(() => {}, 1000);');
    expect(result.timedOut).toBe(true);
    expect(result.signal ?? result.exitCode).toBeTruthy();
  });

  it('stops code printing without end at the output limit and keeps only the cap', async () => {
    const result = await run('const s = "x".repeat(1 << 16); for (;;) process.stdout.write(s);');
    expect(result.outputLimited).toBe(true);
    expect(result.stdout.length).toBeLessThanOrEqual(limits.maxOutputBytes);
  });
});

describe('choosing the sandbox backend', () => {
  const options: SandboxOptions = { allowWeak: false, limits };
  const noBwrap = { bwrap: '/nonexistent/bwrap' };
  const none = { ...noBwrap, unshare: '/nonexistent/unshare' };

  it('takes bwrap when it is usable, else unshare', async () => {
    const expected = support.bwrap ? 'bwrap' : support.unshare ? 'unshare' : undefined;
    if (!expected) return expect(runIn(options, '')).rejects.toThrow(SandboxUnavailableError);
    expect(await runIn(options, 'console.log(1)')).toMatchObject({ isolation: expected });
  });

  (support.unshare ? it : it.skip)('takes unshare when bwrap is not installed', async () => {
    const result = await runIn({ ...options, paths: noBwrap }, 'console.log(1)');
    expect(result).toMatchObject({ isolation: 'unshare', exitCode: 0, stdout: '1\n' });
  });

  it('refuses a forced backend that is not usable, naming why', async () => {
    await expect(runIn({ ...options, backend: 'bwrap', paths: noBwrap }, '')).rejects.toThrow(
      /MGE_SANDBOX=bwrap but bwrap is not installed \(apt-get install bubblewrap\)/,
    );
  });

  it('refuses to run without an isolating backend unless a weaker sandbox is chosen', async () => {
    const missing = { ...options, paths: none };
    await expect(runIn(missing, 'console.log("weak")')).rejects.toThrow(SandboxUnavailableError);
    await expect(runIn(missing, '')).rejects.toThrow(/bubblewrap.*MGE_SANDBOX=weak/);
    for (const weakly of [{ allowWeak: true }, { backend: 'weak' as const }]) {
      const weak = await runIn({ ...missing, ...weakly }, 'console.log("weak")');
      expect(weak).toMatchObject({ isolation: 'weak', exitCode: 0, stdout: 'weak\n' });
    }
  });
});
