import { readFileSync } from 'node:fs';
import { fileLanguage, InvalidInputError } from '@mge/core';
import { atomizeSource } from './atomize.js';
import { corpusSamples } from './corpus.js';
import { parseSource } from './parser.js';
import { decodeSource } from './source-text.js';

/**
 * A deterministic sample of real code nobody here wrote (the full corpora run in
 * scripts/bench-atomizer.ts): every file must reassemble byte for byte, and only files that do
 * not parse may throw, with an InvalidInputError naming the line.
 */
const samples = corpusSamples(150);

describe.each(samples)('atomizing a sample of %s', (_name, files) => {
  it('finds files to atomize', () => {
    expect(files.length).toBeGreaterThanOrEqual(100);
  });

  it('reassembles every file byte for byte, keeps splittable atoms within 15 LOC and never crashes', () => {
    const problems: string[] = [];
    let atoms = 0;
    let inRange = 0;
    let divisible = 0;
    for (const file of files) {
      let code: string;
      try {
        code = decodeSource(readFileSync(file), file);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) problems.push(`${file}: ${String(error)}`);
        continue;
      }
      let result;
      try {
        result = atomizeSource(code, file);
      } catch (error) {
        const parses = !parseSource(code, fileLanguage(file)!).rootNode.hasError;
        if (!(error instanceof InvalidInputError) || parses || !/line \d+/.test(error.message))
          problems.push(`${file}: ${String(error)}`);
        continue;
      }
      if (result.atoms.map((a) => a.code).join('') !== code) problems.push(`${file}: not lossless`);
      if ((result.atoms.at(-1)?.endByte ?? 0) !== Buffer.byteLength(code))
        problems.push(`${file}: atoms do not end at the file's length`);
      for (const atom of result.atoms) {
        atoms++;
        if (atom.sizeViolation) continue;
        divisible++;
        if (atom.loc > 15)
          problems.push(`${file}:${atom.startLine}: splittable atom of ${atom.loc} LOC`);
        if (atom.loc >= 5) inRange++;
      }
    }
    expect(problems).toEqual([]);
    expect(atoms).toBeGreaterThan(files.length);
    expect(inRange / divisible).toBeGreaterThanOrEqual(0.85);
  });
});
