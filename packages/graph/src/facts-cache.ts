import { createHash } from 'node:crypto';
import type { FactsTask, FileFacts } from './file-facts.js';

/**
 * Per-file facts of recent builds, keyed by a hash of everything they are computed from (path,
 * language, code, atom boundaries), so a rebuild parses only the files that changed. Least
 * recently used entries go first once the cached files' code exceeds `maxCodeChars`.
 */
export class FactsCache {
  private readonly entries = new Map<string, { facts: FileFacts; size: number }>();
  private size = 0;

  constructor(private readonly maxCodeChars: number) {}

  static key(task: FactsTask): string {
    const atoms = task.atoms ? task.atoms.map((a) => `${a.startByte}-${a.endByte}`).join(',') : '*';
    return createHash('sha256')
      .update(`${task.file}\0${task.language ?? ''}\0${atoms}\0`)
      .update(task.code)
      .digest('base64');
  }

  get(key: string): FileFacts | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.facts;
  }

  set(key: string, facts: FileFacts, task: FactsTask): void {
    const size = task.code.length;
    if (size > this.maxCodeChars || this.entries.has(key)) return;
    this.entries.set(key, { facts, size });
    this.size += size;
    for (const [oldest, entry] of this.entries) {
      if (this.size <= this.maxCodeChars) break;
      this.entries.delete(oldest);
      this.size -= entry.size;
    }
  }
}
