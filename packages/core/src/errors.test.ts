import { describeError, rootCause, StartupError } from './errors.js';

describe('describeError', () => {
  it('prints the message, the root cause under a wrapping error and the hint', () => {
    const fsError = Object.assign(new Error("ENOENT: no such file or directory, mkdir '/x/.mge'"), {
      code: 'ENOENT',
    });
    const query = new Error('Failed query: CREATE SCHEMA IF NOT EXISTS "drizzle"', {
      cause: fsError,
    });
    const error = new StartupError(
      'cannot open the database in /x/.mge/pglite',
      'make it writable',
      {
        cause: query,
      },
    );
    expect(rootCause(error)).toBe(fsError);
    expect(describeError(error)).toBe(
      [
        'mge: cannot open the database in /x/.mge/pglite',
        "  cause: ENOENT: no such file or directory, mkdir '/x/.mge'",
        '  hint: make it writable',
        '',
      ].join('\n'),
    );
  });

  it('prints a plain error as its message alone', () => {
    expect(describeError(new Error('boom'))).toBe('mge: boom\n');
    expect(describeError('text')).toBe('mge: text\n');
  });

  it('finds the hint of a StartupError wrapped in another error', () => {
    const inner = new StartupError('Redis is not reachable at redis://h:1', 'start Redis');
    expect(describeError(new Error('start-up failed', { cause: inner }))).toBe(
      'mge: start-up failed\n  cause: Redis is not reachable at redis://h:1\n  hint: start Redis\n',
    );
  });
});
