import { z } from 'zod';
import { formatZodError, InvalidInputError } from '@mge/core';

const uuid = (what: string) => z.uuid({ error: `${what} must be a UUID` });
/** Ids in paths, each defined once: the message names what the id should have been. */
export const ids = {
  plan: uuid('plan id'),
  task: uuid('task id'),
  atom: uuid('atom id'),
  user: uuid('user id'),
  conversation: uuid('conversation id'),
  discovery: uuid('discovery id'),
  apiKey: uuid('API key id'),
};
/** `/{id}` of a plan, task or atom. */
export const planIdParam = z.object({ id: ids.plan });
export const taskIdParam = z.object({ id: ids.task });
export const atomIdParam = z.object({ id: ids.atom });

/** `?limit&cursor` of list endpoints: at most 500 per page, the cursor is the last id seen. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.uuid({ error: 'cursor must be the nextCursor of a previous page' }).optional(),
});

/** The cursor of the page after `rows`: its last id when the page is full, else null (the end). */
export function nextCursor<T>(rows: readonly T[], limit: number, id: (row: T) => string) {
  return rows.length === limit ? id(rows.at(-1)!) : null;
}

/**
 * The parsed value; throws InvalidInputError naming every problem (the API answers 400
 * `invalid_input`). A missing value parses as `{}`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(formatZodError(parsed.error));
}
