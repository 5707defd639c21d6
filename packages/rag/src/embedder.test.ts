import { CorpusStats } from './bm25.js';
import { HashedEmbedder } from './embedder.js';
import { tokenize } from './tokenize.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('HashedEmbedder', () => {
  const embedder = new HashedEmbedder();

  it('returns unit vectors of the configured size, the same for the same text', async () => {
    const [a, b] = await embedder.embedDocuments([
      'parse the config file',
      'parse the config file',
    ]);
    expect(a).toHaveLength(1024);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 10);
    expect(a).toEqual(b);
  });

  it('returns the zero vector for text with no terms', async () => {
    const [v] = await embedder.embedDocuments(['the of and']);
    expect(v!.every((x) => x === 0)).toBe(true);
  });

  it('places code near the description of what it does', async () => {
    const [parse, sort] = await embedder.embedDocuments([
      'def parse_config_file(path): return json.loads(open(path).read())',
      'def sort_users_by_age(users): return sorted(users, key=lambda u: u.age)',
    ]);
    const query = await embedder.embedQuery('Parse a configuration file');
    expect(cosine(query, parse!)).toBeGreaterThan(cosine(query, sort!));
  });

  it('matches inflections and identifier parts through character trigrams', async () => {
    const [serializer, unrelated] = await embedder.embedDocuments([
      'class JsonSerializer',
      'class HttpClient',
    ]);
    const query = await embedder.embedQuery('serialize json');
    expect(cosine(query, serializer!)).toBeGreaterThan(cosine(query, unrelated!) + 0.1);
  });

  it('weights query terms by IDF, so a term every document has counts for less', async () => {
    const docs = ['user cache get', 'user store put', 'user list all', 'cache evict old'];
    const stats = new CorpusStats();
    for (const d of docs) stats.add(tokenize(d));
    const vectors = await embedder.embedDocuments(docs);
    // "user cache": without IDF the three "user" documents tie with the "cache" one; with IDF the
    // rare "cache" decides, so "cache evict old" beats "user store put".
    const plain = await embedder.embedQuery('user cache');
    const weighted = await embedder.embedQuery('user cache', stats);
    expect(cosine(plain, vectors[1]!)).toBeCloseTo(cosine(plain, vectors[3]!), 1);
    expect(cosine(weighted, vectors[3]!)).toBeGreaterThan(cosine(weighted, vectors[1]!));
  });
});
