import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';
import { ConflictError, InvalidInputError, MgeError, NotFoundError } from '@mge/core';
import type { Logger } from '@mge/telemetry';

/** The one error body of the API, as the OpenAPI document shows it. */
export const errorBody = z
  .object({
    error: z.object({
      code: z
        .string()
        .meta({ description: 'stable and machine-readable: invalid_input, not_found, ...' }),
      message: z.string().meta({ description: 'for humans: what went wrong and what to send' }),
      details: z.unknown().optional().meta({ description: 'e.g. the zod issues or diagnostics' }),
    }),
  })
  .meta({ description: 'Every 4xx and 5xx answer carries this body.' });

/** Every error body has one shape: `{ error: { code, message, details? } }` (`errorBody`). */
export function sendError(
  res: Response,
  status: number,
  code: string,
  message: string,
  details?: unknown,
): void {
  res
    .status(status)
    .json({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/** A client error with its own status (401, 429...) that no domain error class stands for. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed')
      return sendError(
        res,
        400,
        'invalid_json',
        `request body is not valid JSON: ${e.message ?? ''}`,
      );
    if (e.type === 'entity.too.large')
      return sendError(res, 413, 'payload_too_large', 'request body is too large');
    if (err instanceof HttpError) {
      res.set(err.headers);
      return sendError(res, err.status, err.code, err.message);
    }
    if (err instanceof InvalidInputError)
      return sendError(res, 400, err.code, err.message, err.details);
    if (err instanceof NotFoundError) return sendError(res, 404, err.code, err.message);
    if (err instanceof ConflictError)
      return sendError(res, 409, err.code, err.message, err.details);
    if (err instanceof MgeError && err.retryable) return sendError(res, 503, err.code, err.message);
    logger.error({ err }, 'unhandled request error');
    return sendError(res, 500, 'internal', 'internal error; see the API logs');
  };
}
