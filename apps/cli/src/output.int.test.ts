import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runMge } from '@test/cli';

/** Real JavaScript files whose atoms print far more than a pipe's 64 KiB buffer. */
const COMMANDER = path.resolve(__dirname, '..', '..', '..', 'node_modules', 'commander');
const FILES = readdirSync(path.join(COMMANDER, 'lib')).map((f) => path.join(COMMANDER, 'lib', f));

jest.setTimeout(60_000);

describe('when a command prints to a pipe', () => {
  it('writes the whole atomize JSON (over 64 KiB) before exiting 0', async () => {
    const { code, stdout } = await runMge(['atomize', ...FILES, '--json']);
    expect(code).toBe(0);
    expect(Buffer.byteLength(stdout)).toBeGreaterThan(64 * 1024);
    const parsed = JSON.parse(stdout) as { files: { path: string; atoms: unknown[] }[] };
    expect(parsed.files.map((f) => f.path)).toEqual(FILES);
    expect(parsed.files.every((f) => f.atoms.length > 0)).toBe(true);
  });

  it('writes the whole graph JSON and its text summary', async () => {
    const json = await runMge(['graph', ...FILES, '--json']);
    expect(json.code).toBe(0);
    expect(Buffer.byteLength(json.stdout)).toBeGreaterThan(64 * 1024);
    const report = JSON.parse(json.stdout) as { atoms: unknown[]; waves: unknown[][] };
    const text = await runMge(['graph', ...FILES]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${report.atoms.length} atoms`);
    expect(text.stdout).toMatch(/critical path: .*\n$/);
  });

  it('keeps the exit code and the reason on stderr for bad input', async () => {
    const { code, stdout, stderr } = await runMge([
      'atomize',
      ...FILES,
      'no-such-file.ts',
      '--json',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('no-such-file.ts: ENOENT');
  });
});
