import { createHash } from 'node:crypto';

/** Key of the LLM response cache: the same model and prompt never cost twice. */
export function promptHash(parts: { model: string; system: string; prompt: string }): string {
  return createHash('sha256')
    .update(parts.model)
    .update('\0')
    .update(parts.system)
    .update('\0')
    .update(parts.prompt)
    .digest('hex');
}
