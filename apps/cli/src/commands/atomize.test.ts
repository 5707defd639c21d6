import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { atomizeCommand } from './atomize.js';

const ZOD = path.dirname(require.resolve('zod/package.json'));

/** A stand-in for a stream's `write` that records the text and reports it written (as a pipe would). */
function recordingWrite(sink: { text: string }) {
  return ((chunk: unknown, encodingOrDone?: unknown, done?: unknown) => {
    sink.text += String(chunk);
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    if (typeof callback === 'function') queueMicrotask(() => (callback as () => void)());
    return true;
  }) as typeof process.stdout.write;
}

/** Runs `mge atomize --json` in-process: its exit code, stdout and stderr. */
async function atomize(files: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = { text: '' };
  const err = { text: '' };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(recordingWrite(out));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(recordingWrite(err));
  try {
    const code = await atomizeCommand(files, { json: true });
    return { code, out: out.text, err: err.text };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('mge atomize', () => {
  it("atomizes zod's own sources (variance annotations, reserved export names) losslessly", async () => {
    const files = [
      'src/v4/core/checks.ts',
      'src/v4/core/schemas.ts',
      'src/v4/classic/schemas.ts',
      'v4/classic/schemas.js',
    ].map((f) => path.join(ZOD, f));
    const { code, out, err } = await atomize(files);
    expect(err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(out) as {
      files: { path: string; atoms: { startByte: number; endByte: number }[] }[];
    };
    expect(result.files.map((f) => f.path)).toEqual(files);
    for (const file of result.files) {
      const bytes = readFileSync(file.path);
      let at = 0;
      for (const atom of file.atoms) {
        expect(atom.startByte).toBe(at);
        at = atom.endByte;
      }
      expect(at).toBe(bytes.length);
    }
  }, 60_000);

  it('exits 2 naming the line and column of a real syntax error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mge-atomize-'));
    const file = path.join(dir, 'broken.ts');
    writeFileSync(file, 'export interface A<out T> {\n  a: T;\n}\nconst x = [1, 2;\n');
    try {
      const { code, err } = await atomize([file]);
      expect(code).toBe(2);
      expect(err).toContain(`${file} does not parse as typescript (line 4, column 16: TS1005`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
