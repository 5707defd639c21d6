import type { Response } from 'express';
import { z } from 'zod';
import { formatZodError } from '@mge/core';
import { sendError } from './http-errors.js';

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
 * The parsed value, or undefined after answering 400 `invalid_input` naming every problem
 * (handlers return on undefined).
 */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, res: Response): T | undefined {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  sendError(res, 400, 'invalid_input', formatZodError(parsed.error));
  return undefined;
}
