import { loadConfig, type Config } from '@mge/config';
import { detectSandbox, sandboxReport } from '@mge/validation';
import { reachable, REDIS_ADVICE, redisChoice } from '../local-redis.js';

/** One dependency: what MGE would use here (null: nothing, the commands that need it fail). */
export interface DoctorItem {
  use: string | null;
  detail: string;
  /** What to install or set for a better option; empty when there is none. */
  advice: string;
}

export interface DoctorReport {
  sandbox: DoctorItem;
  redis: DoctorItem;
  postgres: DoctorItem;
  chroma: DoctorItem;
  llm: DoctorItem;
}

const SANDBOX_DETAIL = {
  bwrap:
    'bubblewrap: new namespaces, no network, read-only system, workspace the only writable path',
  unshare: 'util-linux unshare: the same namespaces, mounts and limits as bwrap',
  weak: 'resource limits only: NO isolation (network and file system are shared)',
};

/** A URL without its password, for printing. */
function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function sandbox(config: Config): DoctorItem {
  const { backend, advice } = sandboxReport(
    detectSandbox(),
    config.sandbox.backend,
    config.sandbox.allowWeak,
  );
  if (!backend) return { use: null, detail: 'L4 refuses to run generated tests', advice };
  const forced = config.sandbox.backend === 'auto' ? '' : ` (MGE_SANDBOX=${backend})`;
  return {
    use: backend,
    detail: SANDBOX_DETAIL[backend] + forced,
    advice: advice && `for the better backend: ${advice}`,
  };
}

async function redis(env: NodeJS.ProcessEnv, config: Config): Promise<DoctorItem> {
  const url = config.redisUrl;
  const source = env.REDIS_URL ? 'REDIS_URL' : 'default address';
  switch (await redisChoice(url, Boolean(env.REDIS_URL))) {
    case 'reachable':
      return { use: redact(url), detail: `answers (${source})`, advice: '' };
    case 'private':
      return {
        use: 'private redis-server',
        detail: `nothing answers at ${url}; run, demo, up and bench start redis-server on a free port`,
        advice: 'run Redis (or set REDIS_URL) to share it between processes',
      };
    case 'unavailable':
      return {
        use: null,
        detail: `nothing answers at ${redact(url)} (${source})`,
        advice: REDIS_ADVICE,
      };
  }
}

async function postgres(config: Config): Promise<DoctorItem> {
  if (!config.databaseUrl)
    return {
      use: 'embedded PGlite',
      detail: `in ${config.pgliteDir} (run and demo use an in-memory one)`,
      advice: 'set DATABASE_URL to a Postgres for several processes or machines',
    };
  const url = redact(config.databaseUrl);
  return (await reachable(config.databaseUrl, 1000, 5432))
    ? { use: url, detail: 'answers (DATABASE_URL)', advice: '' }
    : {
        use: null,
        detail: `nothing answers at ${url} (DATABASE_URL)`,
        advice: 'start Postgres or fix DATABASE_URL',
      };
}

/** Whether the `chromadb` npm package (which brings `chroma run`) is installed. */
function hasChromadb(): boolean {
  try {
    require.resolve('chromadb');
    return true;
  } catch {
    return false;
  }
}

async function chroma(env: NodeJS.ProcessEnv, config: Config): Promise<DoctorItem> {
  const url = env.CHROMA_URL;
  const rag = config.rag.enabled
    ? `retrieval in prompts on (MGE_RAG, ${config.rag.tokenBudget} tokens each)`
    : 'retrieval in prompts off (MGE_RAG)';
  if (url)
    return (await reachable(url, 1000, 8000))
      ? { use: redact(url), detail: `answers (CHROMA_URL); ${rag}`, advice: '' }
      : {
          use: null,
          detail: `nothing answers at ${redact(url)} (CHROMA_URL); ${rag}`,
          advice: 'start Chroma or fix CHROMA_URL',
        };
  if (hasChromadb())
    return {
      use: 'private chroma run',
      detail: `the chromadb npm package is installed; \`mge rag\`, and \`mge up\` / \`mge run\` with MGE_RAG=on, start a private \`chroma run\`; ${rag}`,
      advice: config.rag.enabled
        ? 'set CHROMA_URL to share one Chroma between processes'
        : 'set MGE_RAG=on (or CHROMA_URL) to put code of earlier plans into prompts',
    };
  return {
    use: null,
    detail: `no CHROMA_URL and the chromadb npm package is not installed; ${rag}`,
    advice: 'npm install chromadb (or set CHROMA_URL)',
  };
}

function llm(config: Config): DoctorItem {
  const { provider, anthropicBaseUrl, models } = config.llm;
  if (provider === 'anthropic')
    return {
      use: 'anthropic',
      detail: `${anthropicBaseUrl ?? 'https://api.anthropic.com'} (${models.small} / ${models.large})`,
      advice: '',
    };
  const detail =
    provider === 'offline'
      ? 'returns each atom’s drafted code unchanged'
      : 'SIMULATED model (MGE_LLM_PROVIDER=sim)';
  return { use: provider, detail, advice: 'set ANTHROPIC_API_KEY to generate code with Claude' };
}

/** What `mge` would use on this machine for each outside dependency, and how to do better. */
export async function doctorReport(env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const config = loadConfig(env);
  const [redisItem, postgresItem, chromaItem] = await Promise.all([
    redis(env, config),
    postgres(config),
    chroma(env, config),
  ]);
  return {
    sandbox: sandbox(config),
    redis: redisItem,
    postgres: postgresItem,
    chroma: chromaItem,
    llm: llm(config),
  };
}

/** `mge doctor [--json]`: prints the report; always exits 0 (it diagnoses, it does not judge). */
export async function doctorCommand(opts: { json?: boolean }): Promise<number> {
  const report = await doctorReport();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  for (const [name, item] of Object.entries(report) as [string, DoctorItem][]) {
    process.stdout.write(`${name.padEnd(9)} ${item.use ?? 'none'}: ${item.detail}\n`);
    if (item.advice) process.stdout.write(`${''.padEnd(9)} -> ${item.advice}\n`);
  }
  return 0;
}
