import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileLanguage, InvalidInputError } from '@mge/core';
import { atomizeSource } from './atomize.js';
import { listSourceFiles, sampleEvery } from './corpus.js';
import { parseSource } from './parser.js';
import { decodeSource } from './source-text.js';

/**
 * A deterministic sample of real code nobody here wrote (the full corpora run in
 * scripts/bench-atomizer.ts): every file must reassemble byte for byte, and only files that do
 * not parse may throw, with an InvalidInputError naming the line.
 */
const stdlib = execFileSync(
  'python3',
  ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"],
  { encoding: 'utf8' },
).trim();
const nodeModules = path.join(__dirname, '..', '..', '..', 'node_modules');
const samples: [string, string[]][] = [
  ['the Python standard library', sampleEvery(listSourceFiles([stdlib], ['.py']), 150)],
  [
    'packages in node_modules',
    sampleEvery(
      listSourceFiles(
        ['zod', 'drizzle-orm', 'bullmq', 'express', 'pino', 'yaml'].map((p) =>
          path.join(nodeModules, p),
        ),
        ['.js', '.mjs', '.cjs', '.ts'],
      ),
      150,
    ),
  ],
];

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
