import { DEFAULT_PRICES } from '@mge/llm';
import { ConfigError, loadConfig } from './load-config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('has defaults for the embedded setup: PGlite, local Redis, offline LLM', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      databaseUrl: undefined,
      llm: { provider: 'offline' },
      maxAttempts: 3,
      concurrency: { generate: 128 },
    });
  });

  it('picks the anthropic provider when an API key is present', () => {
    expect(loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-x' }).llm.provider).toBe('anthropic');
    expect(
      loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-x', MGE_LLM_PROVIDER: 'offline' }).llm.provider,
    ).toBe('offline');
  });

  it('reads fleet-wide LLM limits per model, off when unset', () => {
    expect(loadConfig({}).llm.limits).toBeUndefined();
    const limits = { 'claude-haiku-4-5': { requestsPerMinute: 50, outputTokensPerMinute: 8000 } };
    expect(loadConfig({ MGE_LLM_LIMITS: JSON.stringify(limits) }).llm.limits).toEqual({
      models: limits,
      windowMs: 60_000,
    });
    expect(
      loadConfig({ MGE_LLM_LIMITS: JSON.stringify(limits), MGE_LLM_LIMITS_WINDOW_MS: '2000' }).llm
        .limits?.windowMs,
    ).toBe(2000);
    for (const bad of [
      'not json',
      '{"m": {}}',
      '{"m": {"requestsPerMinute": 0}}',
      '{"m": {"tokensPerMinute": 10}}',
    ])
      expect(problems({ MGE_LLM_LIMITS: bad })[0]).toMatch(/MGE_LLM_LIMITS.*requestsPerMinute/);
  });

  it('sends first attempts through batches: drafts too with first-attempts, not with generation', () => {
    expect(loadConfig({}).llm.batch).toBeUndefined();
    expect(loadConfig({ MGE_LLM_BATCH: 'first-attempts' }).llm.batch).toEqual({
      maxRequests: 100,
      flushMs: 5_000,
      pollMs: 30_000,
      drafts: true,
    });
    expect(loadConfig({ MGE_LLM_BATCH: 'generation' }).llm.batch?.drafts).toBe(false);
    expect(() => loadConfig({ MGE_LLM_BATCH: 'drafts' })).toThrow(ConfigError);
  });

  it("prices models from llm's table, MGE_LLM_PRICES merged over it", () => {
    expect(loadConfig({}).llm.prices).toEqual(DEFAULT_PRICES);
    const own = { input: 2, output: 4, cacheRead: 0.2, cacheWrite: 2.5 };
    const prices = loadConfig({ MGE_LLM_PRICES: JSON.stringify({ 'my-model': own }) }).llm.prices;
    expect(prices).toEqual({ ...DEFAULT_PRICES, 'my-model': own });
    expect(problems({ MGE_LLM_PRICES: '{"my-model": {"input": 1}}' })[0]).toMatch(/MGE_LLM_PRICES/);
  });

  it('talks to Postgres directly unless told a transaction-mode pooler is in between', () => {
    expect(loadConfig({}).dbPool).toEqual({ mode: 'session', max: 10 });
    expect(loadConfig({ MGE_DB_POOL_MODE: 'transaction', MGE_DB_POOL_MAX: '3' }).dbPool).toEqual({
      mode: 'transaction',
      max: 3,
    });
    expect(problems({ MGE_DB_POOL_MODE: 'statement' })[0]).toMatch(/MGE_DB_POOL_MODE/);
  });

  it('accepts a Redis Cluster as a list of seed nodes', () => {
    const url = 'redis-cluster://127.0.0.1:7000,127.0.0.1:7001';
    expect(loadConfig({ REDIS_URL: url }).redisUrl).toBe(url);
    expect(problems({ REDIS_URL: 'redis-cluster://127.0.0.1' })[0]).toMatch(/REDIS_URL/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', MGE_ADMIN_TOKEN: '' })).toMatchObject({
      databaseUrl: undefined,
      adminToken: undefined,
    });
  });

  it('reports one line per bad variable, naming it', () => {
    const lines = problems({
      PORT: 'eighty',
      REDIS_URL: 'http://x',
      DATABASE_URL: 'mysql://x',
      MGE_GENERATE_CONCURRENCY: '0',
      LOG_LEVEL: 'loud',
    });
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'MGE_GENERATE_CONCURRENCY',
      'PORT',
      'REDIS_URL',
    ]);
  });

  it('never echoes a secret value in its messages', () => {
    const lines = problems({ MGE_ADMIN_TOKEN: 'short-secret' });
    expect(lines.join('\n')).not.toContain('short-secret');
    expect(lines[0]).toMatch(/^MGE_ADMIN_TOKEN: /);
  });
});

describe('the sandbox backend', () => {
  it('is chosen automatically unless MGE_SANDBOX forces one; weak stays opt-in', () => {
    expect(loadConfig({}).sandbox).toMatchObject({ backend: 'auto', allowWeak: false });
    expect(loadConfig({ MGE_SANDBOX: 'unshare' }).sandbox.backend).toBe('unshare');
    expect(loadConfig({ MGE_SANDBOX_ALLOW_WEAK: 'true' }).sandbox).toMatchObject({
      backend: 'auto',
      allowWeak: true,
    });
    expect(problems({ MGE_SANDBOX: 'chroot' })[0]).toMatch(/^MGE_SANDBOX: /);
  });
});
