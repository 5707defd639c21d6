import { AtomLocator } from './atom-locator.js';

describe('AtomLocator', () => {
  it('maps string indexes to atoms whose ranges are UTF-8 bytes, past non-ASCII text', () => {
    const first = 'const s = "é€😀";\n';
    const code = `${first}f();\n`;
    const split = Buffer.byteLength(first);
    const locator = new AtomLocator(code, [
      { id: 'a', startByte: 0, endByte: split },
      { id: 'b', startByte: split, endByte: Buffer.byteLength(code) },
    ]);
    expect(locator.idAt(first.length - 1)).toBe('a');
    expect(locator.idAt(first.length)).toBe('b');
  });
});
