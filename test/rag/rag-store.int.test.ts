/**
 * Retrieval against a real Chroma server: a private `chroma run` from the chromadb npm package,
 * started the way the CLI starts it, with its data in a temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChromaClient } from 'chromadb';
import { ensureChroma } from '@mge/cli';
import {
  chunkFile,
  CollectionNotFoundError,
  EmbedderMismatchError,
  HashedEmbedder,
  RagStore,
  type RagDocument,
} from '@mge/rag';

const MGE = path.resolve(__dirname, '..', '..', 'apps', 'cli', 'bin', 'mge.js');

const FILES: Record<string, string> = {
  'src/money.ts': `/** Integer cents. */
export type Cents = number;

export function formatCents(cents: Cents, currency = 'EUR'): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return \`\${sign}\${Math.floor(abs / 100)}.\${String(abs % 100).padStart(2, '0')} \${currency}\`;
}
`,
  'src/isbn.ts': `export function isValidIsbn13(isbn: string): boolean {
  const digits = isbn.replace(/-/g, '');
  if (!/^[0-9]{13}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(digits[12]);
}
`,
  'app/users.py': `def sort_users_by_age(users):
    ordered = sorted(users, key=lambda user: user.age)
    return [user.name for user in ordered]
`,
};

let dir: string;
let chroma: Awaited<ReturnType<typeof ensureChroma>>;
let client: ChromaClient;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mge-rag-'));
  chroma = await ensureChroma(undefined, path.join(dir, 'chroma'));
  const url = new URL(chroma.url);
  client = new ChromaClient({ host: url.hostname, port: Number(url.port) });
}, 60_000);

afterAll(async () => {
  await chroma?.stop?.();
  rmSync(dir, { recursive: true, force: true });
});

function documents(): RagDocument[] {
  return Object.entries(FILES).flatMap(([file, source]) => chunkFile(file, source));
}

describe('RagStore on a real Chroma server', () => {
  it('started a private chroma run that answers heartbeats', async () => {
    expect(chroma.stop).toBeDefined();
    expect(await client.heartbeat()).toBeGreaterThan(0);
  });

  it.each(['fused', 'dense', 'lexical'] as const)(
    'finds the atom a description asks for, best first (%s)',
    async (ranking) => {
      const store = new RagStore(client);
      await store.indexDocuments('shop', documents(), { replaceFiles: true });
      const [isbn] = await store.query('shop', 'validate an ISBN-13 checksum', { k: 3, ranking });
      expect(isbn).toMatchObject({
        file: 'src/isbn.ts',
        name: 'isValidIsbn13',
        startLine: 1,
        endLine: 7,
      });
      const [users] = await store.query(
        'shop',
        'order people by how old they are: users sorted by age',
        { k: 3, ranking },
      );
      expect(users).toMatchObject({ file: 'app/users.py', name: 'sort_users_by_age' });
    },
  );

  it.each(['fused', 'dense', 'lexical'] as const)(
    'keeps to the language asked for, text documents included (%s)',
    async (ranking) => {
      const store = new RagStore(client);
      await store.indexDocuments('languages', [
        ...documents(),
        ...chunkFile('notes/users.md', '# Users\n\nUsers are sorted by age in every listing.\n'),
      ]);
      const hits = await store.query('languages', 'sort users by age', {
        k: 10,
        ranking,
        language: 'typescript',
      });
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.map((h) => h.language)).not.toContain('python');
      expect(hits.every((h) => h.language === 'typescript' || h.language === 'text')).toBe(true);
      expect(hits.some((h) => h.file === 'notes/users.md')).toBe(true);
      const any = await store.query('languages', 'sort users by age', { k: 1, ranking });
      expect(any[0]).toMatchObject({ file: 'app/users.py' });
    },
  );

  it('sees another store re-index a collection even when its size did not change', async () => {
    const reader = new RagStore(client);
    const writer = new RagStore(client);
    const one = chunkFile('src/k.ts', 'export const ALPHA_LIMIT = 1;\n');
    await writer.indexDocuments('revisions', one, { replaceGroup: 'g' });
    expect((await reader.query('revisions', 'alpha limit', { k: 1 }))[0]?.name).toBe('ALPHA_LIMIT');
    const other = chunkFile('src/k.ts', 'export const OMEGA_QUOTA = 2;\n').map((d) => ({
      ...d,
      group: 'g',
    }));
    await writer.indexDocuments('revisions', other, { replaceFiles: true });
    expect((await reader.query('revisions', 'omega quota', { k: 1 }))[0]?.name).toBe('OMEGA_QUOTA');
  });

  it('stores vectors from our embedder, not from a downloaded model', async () => {
    const collection = await client.getCollection({ name: 'shop' });
    const got = await collection.get({ limit: 1, include: ['embeddings'] });
    expect(got.embeddings[0]).toHaveLength(new HashedEmbedder().dimensions);
    expect(collection.metadata).toMatchObject({ embedder: new HashedEmbedder().name });
  });

  it('replaces a re-indexed file without leaving its old atoms behind', async () => {
    const store = new RagStore(client);
    await store.indexDocuments('replace', documents(), { replaceFiles: true });
    const before = await (await client.getCollection({ name: 'replace' })).count();
    await store.indexDocuments(
      'replace',
      chunkFile('src/isbn.ts', 'export const ISBN_LENGTH = 13;\n'),
      {
        replaceFiles: true,
      },
    );
    const after = await (await client.getCollection({ name: 'replace' })).count();
    expect(after).toBe(before - chunkFile('src/isbn.ts', FILES['src/isbn.ts']!).length + 1);
    const [hit] = await store.query('replace', 'ISBN length', { k: 1 });
    expect(hit).toMatchObject({ file: 'src/isbn.ts', name: 'ISBN_LENGTH' });
  });

  it('refuses to query a collection built by another embedder', async () => {
    await new RagStore(client).indexDocuments('mixed', documents());
    const other = new RagStore(client, new HashedEmbedder({ dimensions: 64 }));
    await expect(other.query('mixed', 'isbn')).rejects.toBeInstanceOf(EmbedderMismatchError);
  });

  it('answers an empty collection with no results, and refuses one never created', async () => {
    await new RagStore(client).indexDocuments('empty', []);
    expect(await new RagStore(client).query('empty', 'anything')).toEqual([]);
    await expect(new RagStore(client).query('never-made', 'anything')).rejects.toBeInstanceOf(
      CollectionNotFoundError,
    );
    await expect(client.getCollection({ name: 'never-made' })).rejects.toThrow();
  });
});

describe('mge rag index / query', () => {
  it('indexes files and directories and prints the best atoms as JSON', () => {
    const root = path.join(dir, 'project');
    for (const [file, source] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), source);
    }
    const env = { ...process.env, CHROMA_URL: chroma.url };
    const index = spawnSync(
      process.execPath,
      [
        MGE,
        'rag',
        'index',
        path.join(root, 'src'),
        path.join(root, 'app', 'users.py'),
        '--collection',
        'cli',
      ],
      { encoding: 'utf8', env },
    );
    expect(index.stderr).toMatch(/indexed \d+ documents/);
    expect(index.status).toBe(0);
    const query = spawnSync(
      process.execPath,
      [
        MGE,
        'rag',
        'query',
        'format an amount of cents as money',
        '--collection',
        'cli',
        '--k',
        '2',
        '--json',
      ],
      { encoding: 'utf8', env },
    );
    expect(query.status).toBe(0);
    const { results } = JSON.parse(query.stdout) as { results: Record<string, unknown>[] };
    expect(results).toHaveLength(2);
    expect(results[0]).toEqual({
      file: path.join(root, 'src', 'money.ts'),
      name: expect.stringContaining('formatCents'),
      startLine: expect.any(Number),
      endLine: expect.any(Number),
      score: expect.any(Number),
    });
  }, 60_000);

  it('exits 2 on a bad collection name or a missing path', () => {
    const env = { ...process.env, CHROMA_URL: chroma.url };
    const bad = spawnSync(
      process.execPath,
      [MGE, 'rag', 'query', 'x', '--collection', '!', '--json'],
      {
        encoding: 'utf8',
        env,
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--collection/);
    const unknown = spawnSync(
      process.execPath,
      [MGE, 'rag', 'query', 'x', '--collection', 'not-indexed', '--json'],
      { encoding: 'utf8', env },
    );
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/"not-indexed" does not exist/);
    const missing = spawnSync(
      process.execPath,
      [MGE, 'rag', 'index', path.join(dir, 'nope'), '--collection', 'cli'],
      { encoding: 'utf8', env },
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope/);
  }, 60_000);
});
