import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '@mge/config';
import { fileLanguage, InvalidInputError, parsePlanText } from '@mge/core';
import {
  chromaClient,
  chunkFile,
  collectionNameProblem,
  CollectionNotFoundError,
  chunkPlan,
  RagStore,
  RANKINGS,
  type RagDocument,
  type Ranking,
} from '@mge/rag';
import { decodeSource } from '@mge/atomizer';
import { ApiClient, apiKeyFromEnv } from '../api-client.js';
import { ensureChroma } from '../local-chroma.js';

export interface RagIndexOptions {
  collection: string;
}

export interface RagQueryOptions {
  collection: string;
  k: string;
  ranking: string;
  json?: boolean;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', '.mge', 'output']);
const PLAN_FILE = /\.(ya?ml|json)$/i;
/** What a directory walk picks up besides code files. */
const TEXT_FILE = /\.(md|txt|rst|ya?ml|json)$/i;

/**
 * `mge rag index PATH... --collection NAME`: one document per atom of each code file (directories
 * are walked), one per section of other text files; a plan file (JSON or YAML) contributes its
 * tasks and their atoms. Exit 0, or 2 on bad input.
 */
export async function ragIndexCommand(
  paths: readonly string[],
  options: RagIndexOptions,
): Promise<number> {
  return withBadInput('rag index', async () => {
    checkCollection(options.collection);
    const documents: RagDocument[] = [];
    for (const file of await expand(paths)) documents.push(...(await documentsOf(file)));
    const { indexed } = await withStore((store) =>
      store.indexDocuments(options.collection, documents, { replaceFiles: true }),
    );
    process.stderr.write(
      `indexed ${indexed} documents from ${paths.length} path(s) into "${options.collection}"\n`,
    );
    return 0;
  });
}

/** `mge rag query "TEXT" --collection NAME [--k 5] [--json]`: the best documents, best first. */
export async function ragQueryCommand(text: string, options: RagQueryOptions): Promise<number> {
  return withBadInput('rag query', async () => {
    checkCollection(options.collection);
    const k = Number(options.k);
    if (!Number.isInteger(k) || k < 1 || k > 1000)
      throw new InvalidInputError(`--k must be an integer from 1 to 1000, not "${options.k}"`);
    if (!(RANKINGS as readonly string[]).includes(options.ranking))
      throw new InvalidInputError(`--ranking must be one of ${RANKINGS.join(', ')}`);
    const hits = await withStore((store) =>
      store
        .query(options.collection, text, { k, ranking: options.ranking as Ranking })
        .catch((error: unknown) => {
          if (error instanceof CollectionNotFoundError) throw new InvalidInputError(error.message);
          throw error;
        }),
    );
    const results = hits.map((h) => ({
      file: h.file,
      name: h.name,
      startLine: h.startLine,
      endLine: h.endLine,
      score: h.score,
    }));
    if (options.json) process.stdout.write(`${JSON.stringify({ results })}\n`);
    else
      process.stdout.write(
        results
          .map(
            (r, i) =>
              `${i + 1}. ${r.file}:${r.startLine}-${r.endLine}  ${r.name}  (${r.score.toFixed(4)})\n`,
          )
          .join(''),
      );
    return 0;
  });
}

/** A store on the configured Chroma (or a private one persisting to `dir`), closed after `use`. */
export async function withStore<T>(use: (store: RagStore) => Promise<T>, dir?: string): Promise<T> {
  const config = loadConfig();
  const chroma = await ensureChroma(config.chroma.url, dir ?? config.chroma.dir);
  try {
    return await use(new RagStore(chromaClient(chroma.url)));
  } finally {
    await chroma.stop?.();
  }
}

export async function withBadInput(command: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    process.stderr.write(`mge ${command}: ${error.message}\n`);
    return 2;
  }
}

function checkCollection(name: string): void {
  const problem = collectionNameProblem(name);
  if (problem) throw new InvalidInputError(`--collection "${name}": ${problem}`);
}

/** Files under the given paths, directories walked in name order. */
export async function expand(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch((error: NodeJS.ErrnoException) => {
      throw new InvalidInputError(`${p}: ${error.message}`);
    });
    if (!info.isDirectory()) {
      files.push(p);
      continue;
    }
    const entries = await readdir(p, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    const children = entries
      .filter((e) =>
        e.isDirectory()
          ? !SKIPPED_DIRS.has(e.name)
          : fileLanguage(e.name) !== undefined || TEXT_FILE.test(e.name),
      )
      .map((e) => path.join(p, e.name));
    files.push(...(await expand(children)));
  }
  return files;
}

async function documentsOf(file: string): Promise<RagDocument[]> {
  const source = decodeSource(await readFile(file), file);
  if (PLAN_FILE.test(file)) {
    const plan = tryPlan(source);
    if (plan) return chunkPlan(`${file}:${plan.name}`, plan.tasks);
  }
  return chunkFile(file, source);
}

function tryPlan(text: string) {
  try {
    return parsePlanText(text);
  } catch {
    return undefined;
  }
}

export interface RagSearchOptions {
  api: string;
  k: string;
  language?: string;
  json?: boolean;
}

/**
 * `mge rag search "TEXT" [--k 8] [--language L] [--json]`: what a running API's retrieval finds
 * for the key's tenant (its completed plans and documents, the shared examples), best first.
 */
export async function ragSearchCommand(text: string, options: RagSearchOptions): Promise<number> {
  const key = await apiKeyFromEnv('rag search');
  if (!key) return 2;
  const k = Number(options.k);
  if (!Number.isInteger(k) || k < 1 || k > 50) {
    process.stderr.write(
      `mge rag search: --k must be an integer from 1 to 50, not "${options.k}"\n`,
    );
    return 2;
  }
  const { results } = await new ApiClient(options.api, key).ragSearch(text, {
    k,
    ...(options.language ? { language: options.language } : {}),
  });
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ results })}\n`
      : results
          .map(
            (r, i) => `${i + 1}. [${r.source}] ${r.file} :: ${r.name}  (${r.score.toFixed(4)})\n`,
          )
          .join(''),
  );
  return 0;
}

/** `mge rag upload FILE... [--as PATH]`: indexes documents for the key's tenant through the API. */
export async function ragUploadCommand(
  files: readonly string[],
  options: { api: string; as?: string },
): Promise<number> {
  const key = await apiKeyFromEnv('rag upload');
  if (!key) return 2;
  if (options.as && files.length !== 1) {
    process.stderr.write('mge rag upload: --as names one file: give exactly one\n');
    return 2;
  }
  const client = new ApiClient(options.api, key);
  return withBadInput('rag upload', async () => {
    for (const file of files) {
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new InvalidInputError(`${file}: ${error.message}`);
      });
      const name = options.as ?? path.relative(process.cwd(), path.resolve(file));
      const { indexed } = await client.ragUpload(name, text);
      process.stderr.write(`${name}: ${indexed} document(s) indexed\n`);
    }
    return 0;
  });
}
