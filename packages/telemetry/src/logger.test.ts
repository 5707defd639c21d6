import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', name: 'test', destination }) };
}

describe('createLogger', () => {
  it('redacts keys, auth headers, prompts and completions', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        apiKey: 'sk-ant-secret',
        req: { headers: { authorization: 'Bearer abc' } },
        request: { prompt: 'proprietary code', system: 'stable prefix' },
        result: { completion: 'generated code' },
        ANTHROPIC_API_KEY: 'sk-ant-env',
        planId: 'p1',
      },
      'call',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of [
      'sk-ant-secret',
      'Bearer abc',
      'proprietary code',
      'stable prefix',
      'generated code',
      'sk-ant-env',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      planId: 'p1',
      role: 'test',
      msg: 'call',
      apiKey: '[redacted]',
    });
  });
});
