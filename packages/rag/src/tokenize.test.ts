import { splitIdentifier, stem, tokenize } from './tokenize.js';

describe('splitIdentifier', () => {
  it.each([
    ['parseHTTPResponse2', ['parse', 'HTTP', 'Response', '2']],
    ['snake_case_name', ['snake', 'case', 'name']],
    ['__init__', ['init']],
    ['XMLHttpRequest', ['XML', 'Http', 'Request']],
    ['$scope', ['scope']],
  ])('splits %s', (identifier, parts) => {
    expect(splitIdentifier(identifier)).toEqual(parts);
  });
});

describe('stem', () => {
  it.each([
    ['returns', 'return'],
    ['sorted', 'sort'],
    ['mapping', 'map'],
    ['entries', 'entry'],
    ['classes', 'class'],
    ['status', 'status'],
    ['is', 'is'],
  ])('%s -> %s', (word, stemmed) => {
    expect(stem(word)).toBe(stemmed);
  });
});

describe('tokenize', () => {
  it('splits identifiers, keeps the joined identifier, drops stop words and numbers', () => {
    expect(tokenize('function getUserName(user_id) { return this.cache[42]; }')).toEqual([
      'get',
      'user',
      'name',
      'getusername',
      'user',
      'id',
      'userid',
      'cache',
    ]);
  });

  it('lets a doc comment meet the code it describes', () => {
    const doc = new Set(tokenize('Returns the sorted values of the mapping'));
    const code = tokenize('def sorted_values(mapping): return sorted(mapping.values())');
    expect(code.filter((t) => doc.has(t))).toEqual(
      expect.arrayContaining(['sort', 'value', 'map']),
    );
  });
});
