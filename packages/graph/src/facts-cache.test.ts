import { FactsCache } from './facts-cache.js';
import type { FactsTask, FileFacts } from './file-facts.js';

const facts = (n: number): FileFacts => ({ order: [[0, n]] });

describe('FactsCache', () => {
  it('keys on path, language, code and atom boundaries', () => {
    const task: FactsTask = {
      file: 'a.ts',
      code: 'x;\ny;\n',
      atoms: [{ startByte: 0, endByte: 6 }],
    };
    const keys = [
      task,
      { ...task, file: 'b.ts' },
      { ...task, language: 'tsx' as const },
      { ...task, code: 'x;\nz;\n' },
      {
        ...task,
        atoms: [
          { startByte: 0, endByte: 3 },
          { startByte: 3, endByte: 6 },
        ],
      },
      { ...task, atoms: undefined },
    ].map((t) => FactsCache.key(t));
    expect(new Set(keys).size).toBe(keys.length);
    expect(FactsCache.key({ ...task })).toBe(keys[0]);
  });

  it('drops the least recently used files once their code exceeds the limit', () => {
    const cache = new FactsCache(10);
    const task = (code: string): FactsTask => ({ file: 'f.py', code });
    cache.set('a', facts(1), task('aaaa'));
    cache.set('b', facts(2), task('bbbb'));
    expect(cache.get('a')).toEqual(facts(1)); // a is now the most recently used
    cache.set('c', facts(3), task('cccc'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(facts(1));
    expect(cache.get('c')).toEqual(facts(3));
    cache.set('huge', facts(4), task('x'.repeat(11)));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('c')).toEqual(facts(3));
  });
});
