import { readFileSync } from 'node:fs';
import { extractCodeSearchPairs } from './code-search-corpus.js';

describe('extractCodeSearchPairs', () => {
  it('pairs a Python docstring first paragraph with the function without docstring or comments', () => {
    const source = `def parse_pairs(text):
    """Split a comma-separated list of key=value pairs
    into a dictionary.

    Blank entries are ignored.
    """
    # the separator is fixed
    result = {}
    for item in text.split(','):
        if item:
            key, _, value = item.partition('=')
            result[key] = value
    return result
`;
    const [pair] = extractCodeSearchPairs('pairs.py', source);
    expect(pair).toMatchObject({
      id: 'pairs.py:1',
      name: 'parse_pairs',
      language: 'python',
      query: 'Split a comma-separated list of key=value pairs into a dictionary.',
    });
    expect(pair!.code).toMatch(/^def parse_pairs\(text\):\n {4}result = \{\}/);
    expect(pair!.code).not.toMatch(/Split|Blank|separator|#/);
  });

  it('pairs a JSDoc description (before its tags) with the function declaration after it', () => {
    const source = `/**
 * Creates an array of unique values, in order,
 * from all given arrays.
 *
 * @param {...Array} arrays The arrays to inspect.
 * @returns {Array} Returns the new array.
 */
function union(...arrays) {
  // flatten then dedupe
  const seen = new Set(arrays.flat());
  return [...seen];
}
`;
    expect(extractCodeSearchPairs('union.js', source)).toEqual([
      {
        id: 'union.js:8',
        file: 'union.js',
        name: 'union',
        language: 'javascript',
        query: 'Creates an array of unique values, in order, from all given arrays.',
        code: 'function union(...arrays) {\n  const seen = new Set(arrays.flat());\n  return [...seen];\n}',
      },
    ]);
  });

  it('drops short docs, short functions, tests, dunders and signature-style docstrings', () => {
    const source = `def a():
    """Too short."""
    x = 1
    y = 2
    return x + y

def b():
    """Returns one, always and forever."""
    return 1

def test_thing():
    """Checks that the thing works well."""
    assert 1
    assert 2
    assert 3

def __repr__(self):
    """Show the object as a string for debugging."""
    x = 1
    y = 2
    return str(x + y)

def c(n):
    """c(n) -> int: the nth value."""
    x = 1
    y = 2
    return x + y
`;
    expect(extractCodeSearchPairs('drops.py', source)).toEqual([]);
  });

  it('finds pairs in real code nobody here wrote: the Python standard library', () => {
    const file = '/usr/lib/python3.11/textwrap.py';
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      return; // no Python 3.11 standard library on this machine
    }
    const pairs = extractCodeSearchPairs(file, source);
    expect(pairs.length).toBeGreaterThanOrEqual(3);
    expect(pairs.map((p) => p.name)).toContain('dedent');
  });
});
