import { replyChunks } from './chat-service.js';

describe('replyChunks', () => {
  it('cuts a long reply at spaces into pieces that join back to it', () => {
    const text = 'word '.repeat(60).trim();
    const chunks = replyChunks(text);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(text);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.endsWith(' ')).toBe(true);
  });

  it('cuts text without spaces at the chunk size, and keeps a short one whole', () => {
    expect(replyChunks('x'.repeat(130)).map((c) => c.length)).toEqual([64, 64, 2]);
    expect(replyChunks('Hello.')).toEqual(['Hello.']);
    expect(replyChunks('')).toEqual([]);
  });
});
