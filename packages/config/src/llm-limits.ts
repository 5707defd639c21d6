import { z } from 'zod';

/** A provider's limits for one model, per window (a minute unless `MGE_LLM_LIMITS_WINDOW_MS`). */
export interface ModelLimits {
  requestsPerMinute?: number;
  inputTokensPerMinute?: number;
  outputTokensPerMinute?: number;
}

const limit = z.number().int().positive();

export const limitsSchema = z.record(
  z.string().min(1),
  z
    .object({
      requestsPerMinute: limit.optional(),
      inputTokensPerMinute: limit.optional(),
      outputTokensPerMinute: limit.optional(),
    })
    .strict()
    .refine((l) => Object.keys(l).length > 0, 'name at least one limit'),
);

/** Whether `json` is a valid `MGE_LLM_LIMITS` value. */
export function validLimits(json: string): boolean {
  try {
    return limitsSchema.safeParse(JSON.parse(json)).success;
  } catch {
    return false;
  }
}

export function parseLimits(json: string): Record<string, ModelLimits> {
  return limitsSchema.parse(JSON.parse(json));
}
