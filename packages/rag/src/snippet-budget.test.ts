import { fitToBudget, snippetText, snippetTokens } from './snippet-budget.js';

describe('fitToBudget', () => {
  const ranked = [
    { id: 'a', tokens: 50 },
    { id: 'b', tokens: 80 },
    { id: 'c', tokens: 20 },
    { id: 'd', tokens: 30 },
  ];

  it('keeps the best snippets in rank order while they fit', () => {
    expect(fitToBudget(ranked, 100).map((s) => s.id)).toEqual(['a', 'c', 'd']);
  });

  it('skips one too big for what is left and keeps smaller ones after it', () => {
    const kept = fitToBudget(ranked, 75);
    expect(kept.map((s) => s.id)).toEqual(['a', 'c']);
    expect(kept.reduce((t, s) => t + s.tokens, 0)).toBeLessThanOrEqual(75);
  });

  it('keeps nothing for a budget of zero', () => {
    expect(fitToBudget(ranked, 0)).toEqual([]);
  });
});

describe('snippetTokens', () => {
  it('counts the text the prompt shows, header included', () => {
    const s = { file: 'src/a.ts', name: 'f', description: 'adds', code: 'x'.repeat(400) };
    expect(snippetText(s)).toBe(`// src/a.ts :: f (adds)\n${'x'.repeat(400)}`);
    expect(snippetTokens(s)).toBe(Math.ceil(snippetText(s).length / 4));
  });
});
