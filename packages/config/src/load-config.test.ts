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
