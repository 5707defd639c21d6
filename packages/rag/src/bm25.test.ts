import { Bm25Index, CorpusStats } from './bm25.js';

describe('Bm25Index', () => {
  const index = new Bm25Index();
  index.add('money', 'export function formatCents(cents: number): string { return euros(cents); }');
  index.add('isbn', 'export function isValidIsbn(isbn: string): boolean { checksum digits }');
  index.add('cart', 'class Cart { addItem(isbn) {} totalCents() { return sum of cents } }');

  it('ranks the document with the rarer matching terms first', () => {
    expect(index.search('validate an ISBN checksum', 3).map((r) => r.id)).toEqual(['isbn', 'cart']);
  });

  it('leaves out documents that share no term and caps the list at k', () => {
    expect(index.search('format cents', 1).map((r) => r.id)).toEqual(['money']);
    expect(index.search('kubernetes', 5)).toEqual([]);
  });

  it('scores higher with more occurrences of a term, saturating', () => {
    const tf = new Bm25Index();
    tf.add('once', 'alpha beta gamma delta');
    tf.add('thrice', 'alpha alpha alpha delta');
    tf.add('none', 'omega');
    const [first, second] = tf.search('alpha', 2);
    expect(first!.id).toBe('thrice');
    expect(first!.score).toBeGreaterThan(second!.score);
    expect(first!.score).toBeLessThan(3 * second!.score);
  });
});

describe('CorpusStats', () => {
  it('gives rare terms a higher IDF than common ones, always positive', () => {
    const stats = new CorpusStats();
    stats.add(['common', 'rare']);
    stats.add(['common']);
    stats.add(['common']);
    expect(stats.idf('rare')).toBeGreaterThan(stats.idf('common'));
    expect(stats.idf('common')).toBeGreaterThan(0);
    expect(stats.idf('unseen')).toBeGreaterThan(stats.idf('rare'));
  });
});
