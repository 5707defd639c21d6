import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeWorkspace } from './output-workspace';

const FILES = 200;

describe('writeWorkspace', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(path.join(tmpdir(), 'mge-ws-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));

  const tree = async (dir: string): Promise<string[]> =>
    (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort();

  it('replaces an earlier write whole, leaving nothing beside it', async () => {
    await writeWorkspace(root, 'p1', [
      { path: 'src/a.ts', content: 'a1' },
      { path: 'src/old.ts', content: 'gone' },
    ]);
    const dir = await writeWorkspace(root, 'p1', [
      { path: 'src/a.ts', content: 'a2' },
      { path: 'test/a.test.ts', content: 't2' },
    ]);
    expect(dir).toBe(path.join(root, 'p1'));
    expect(await tree(dir)).toEqual(['src/a.ts', 'test/a.test.ts']);
    expect(await readFile(path.join(dir, 'src/a.ts'), 'utf8')).toBe('a2');
    expect(await readdir(root)).toEqual(['p1']);
  });

  it('keeps the earlier write when the new one is refused (a path out of the workspace)', async () => {
    await writeWorkspace(root, 'p1', [{ path: 'src/a.ts', content: 'a1' }]);
    await expect(
      writeWorkspace(root, 'p1', [
        { path: 'src/a.ts', content: 'a2' },
        { path: '../escape.ts', content: 'x' },
      ]),
    ).rejects.toThrow('refusing to write outside the workspace: ../escape.ts');
    expect(await readFile(path.join(root, 'p1/src/a.ts'), 'utf8')).toBe('a1');
    expect(await readdir(root)).toEqual(['p1']);
  });

  // 30 s: the reader and five rewrites share the file-system thread pool with whatever else the
  // machine runs; a few hundred milliseconds alone, seconds on a loaded CI machine.
  it('a reader during a rewrite sees every file of the old or the new write, never a part', async () => {
    const files = (v: string) =>
      Array.from({ length: FILES }, (_, i) => ({ path: `src/f${i}.ts`, content: v }));
    await writeWorkspace(root, 'p1', files('v1'));
    let reading = true;
    const seen: number[] = [];
    const reader = (async () => {
      while (reading) {
        const n = await readdir(path.join(root, 'p1/src')).then(
          (names) => names.length,
          () => -1,
        );
        seen.push(n);
      }
    })();
    for (let round = 0; round < 5; round++) await writeWorkspace(root, 'p1', files(`v${round}`));
    reading = false;
    await reader;
    expect(seen.length).toBeGreaterThan(0);
    // Only whole listings (a missing directory, -1, is the rename's instant at most).
    expect(seen.filter((n) => n !== FILES && n !== -1)).toEqual([]);
  }, 30_000);
});
