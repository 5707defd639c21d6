import { z } from 'zod';

const id = z.string().min(1).max(100);
const text = z.string().max(10_000);
const texts = z.array(text).default([]);

export const REQUIREMENT_PRIORITIES = ['must', 'should', 'could'] as const;

/** The outcome of discovery: a domain-driven analysis of the requirements (ARCHITECTURE.md §7). */
/** A question the requirements leave open; a blocking one must be answered before planning. */
export const openQuestionSchema = z.object({
  question: z.string().min(1),
  blocking: z.boolean(),
  defaultAnswer: text,
});
export type OpenQuestion = z.infer<typeof openQuestionSchema>;

export const discoveryDocumentSchema = z.object({
  domain: z.object({ name: z.string().min(1).max(200), description: text }),
  requirements: z
    .array(
      z.object({
        id,
        text: z.string().min(1).max(10_000),
        priority: z.enum(REQUIREMENT_PRIORITIES),
        acceptanceCriteria: texts,
      }),
    )
    .min(1, 'discovery needs at least one requirement'),
  boundedContexts: z
    .array(z.object({ id, name: z.string().min(1), description: text, responsibilities: texts }))
    .default([]),
  aggregates: z
    .array(
      z.object({
        id,
        name: z.string().min(1),
        contextId: id,
        rootEntity: z.string().min(1),
        entities: texts,
        valueObjects: texts,
        invariants: texts,
      }),
    )
    .default([]),
  domainEvents: z
    .array(z.object({ name: z.string().min(1), trigger: text, producer: text, subscribers: texts }))
    .default([]),
  services: z
    .array(
      z.object({
        name: z.string().min(1),
        kind: z.string().min(1),
        contextId: id,
        operations: texts,
      }),
    )
    .default([]),
  assumptions: texts,
  openQuestions: z.array(openQuestionSchema).default([]),
  risks: texts,
});

export type DiscoveryDocument = z.infer<typeof discoveryDocumentSchema>;
