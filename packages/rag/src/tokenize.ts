/**
 * Code-aware tokenization shared by the lexical ranker and the offline embedder: identifiers are
 * split at case changes, underscores and digits (`parseHTTPResponse2` -> parse, http, response),
 * words are lower-cased and lightly stemmed, and English and keyword noise is dropped. The whole
 * identifier is kept as a term too, so an exact name still outranks its parts.
 */

const WORD = /[A-Za-z_$][A-Za-z0-9_$]*|[0-9]+/g;

/** Words too common in code or prose to tell documents apart. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by for from has have if in into is it its of on or that the ' +
    'their then there these this those to was were will with which when where who whose can ' +
    'const let var function return def self cls class new import export default async await ' +
    'true false null undefined none pass elif else try except finally raise throw catch ' +
    'typeof instanceof void do while lambda yield not'
  ).split(' '),
);

/** `getHTTPResponse_v2` -> `['get', 'HTTP', 'Response', 'v', '2']`. */
export function splitIdentifier(identifier: string): string[] {
  return identifier
    .split(/[_$]+/)
    .flatMap((part) => part.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? [])
    .filter((p) => p.length > 0);
}

/**
 * A conservative suffix stripper (plural, -ing, -ed, -ly): enough for a doc comment's "Returns
 * the sorted values" to meet code's `return sortedValue`. Leaves short words alone.
 */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 5) return trimDouble(word.slice(0, -3));
  if (word.endsWith('ed') && word.length > 4) return trimDouble(word.slice(0, -2));
  if (word.endsWith('ly') && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('es') && /(?:ss|x|ch|sh|zz)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

function trimDouble(word: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(word) && !/(?:ll|ss|zz)$/.test(word)
    ? word.slice(0, -1)
    : word;
}

/** The terms of a text, in order, with repeats: split identifiers plus the joined identifier. */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const word of text.match(WORD) ?? []) {
    const parts = splitIdentifier(word).map((p) => p.toLowerCase());
    for (const part of parts) {
      if (part.length < 2 || STOP_WORDS.has(part) || /^[0-9]+$/.test(part)) continue;
      terms.push(stem(part));
    }
    if (parts.length > 1) {
      const whole = parts.join('');
      if (whole.length >= 2 && !STOP_WORDS.has(whole)) terms.push(whole);
    }
  }
  return terms;
}
