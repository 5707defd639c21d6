import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, reachable, startPrivateServer, type ServiceEndpoint } from './private-server.js';

/** The `chroma` command line shipped by the chromadb npm package (a real Chroma server). */
function chromaCli(): string {
  // The package's CommonJS entry is dist/cjs/chromadb.cjs; its CLI is dist/cli.mjs.
  return path.join(path.dirname(require.resolve('chromadb')), '..', 'cli.mjs');
}

/**
 * Chroma at `url` when one is configured (it must answer). Otherwise a private `chroma run` on a
 * free port, persisting to `dir`, stopped on exit, the way the private Redis is.
 */
export async function ensureChroma(url: string | undefined, dir: string): Promise<ServiceEndpoint> {
  if (url !== undefined) {
    if (await reachable(url, 2000, new URL(url).protocol === 'https:' ? 443 : 8000)) return { url };
    throw new Error(
      `Chroma is not reachable at ${url}. Start it, or unset CHROMA_URL to use a private ` +
        '`chroma run` from the chromadb package.',
    );
  }
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  return startPrivateServer(
    'chroma server',
    process.execPath,
    [
      chromaCli(),
      'run',
      '--path',
      path.resolve(dir),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    `http://127.0.0.1:${port}`,
    30_000,
  );
}
