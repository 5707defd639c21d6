import type { z } from 'zod';

/** Why an answer could not be used; each kind is retried with feedback naming it. */
export type AnswerProblemKind = 'truncated' | 'refusal' | 'invalid_json' | 'invalid_schema';

export type ParsedAnswer<T> =
  { ok: true; value: T } | { ok: false; kind: AnswerProblemKind; problem: string };

/** The JSON object an answer holds: the whole text, or the text inside a Markdown fence. */
function jsonText(text: string): string {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n?```/.exec(text);
  if (fenced) return fenced[1]!;
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? text.slice(start, end + 1) : text;
}

/**
 * Reads a model's answer as `schema`: a truncated answer (`max_tokens`) or a refusal is named as
 * such before any parsing, then invalid JSON, then each schema issue with its path.
 */
export function parseModelAnswer<S extends z.ZodType>(
  text: string,
  stopReason: string,
  schema: S,
): ParsedAnswer<z.output<S>> {
  if (stopReason === 'refusal')
    return { ok: false, kind: 'refusal', problem: 'the model declined to answer (refusal)' };
  if (stopReason === 'max_tokens')
    return {
      ok: false,
      kind: 'truncated',
      problem: 'the answer was cut off at the output token limit (stop_reason max_tokens)',
    };
  let value: unknown;
  try {
    value = JSON.parse(jsonText(text));
  } catch (error) {
    return {
      ok: false,
      kind: 'invalid_json',
      problem: `the answer is not valid JSON: ${(error as Error).message}`,
    };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 20)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  return {
    ok: false,
    kind: 'invalid_schema',
    problem: `the answer does not match the schema: ${issues.join('; ')}`,
  };
}

/** The feedback paragraph appended to the next attempt's prompt. */
export function answerFeedback(kind: AnswerProblemKind, problem: string): string {
  const advice: Record<AnswerProblemKind, string> = {
    truncated:
      'Answer again, shorter: keep descriptions brief and list only what is asked, so the whole JSON fits.',
    refusal:
      'These are ordinary software requirements. If some part seems unsafe, leave it out and record it under risks; answer with the JSON.',
    invalid_json: 'Answer with one JSON object only: no prose, no comments, no trailing commas.',
    invalid_schema: 'Answer with JSON that has exactly the fields and types described.',
  };
  return `The previous answer could not be used: ${problem}. ${advice[kind]}`;
}
