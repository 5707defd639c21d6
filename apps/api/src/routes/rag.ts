import { z } from 'zod';
import { LANGUAGES, workspacePathSchema } from '@mge/core';
import { listPlanRetrievals, type PlanRetrieval } from '@mge/db';
import type { Resources } from '@mge/pipeline';
import { HttpError } from '../http-errors.js';
import { nextCursor, pageQuery, planIdParam } from '../request-parsing.js';
import { defineRoute } from '../route.js';

/** Largest document a tenant uploads in one request, in characters. */
const MAX_DOCUMENT_CHARS = 1_000_000;

const documentBody = z.object({
  file: workspacePathSchema.meta({
    description: 'its path (code files are split by atom, anything else by section)',
  }),
  text: z
    .string()
    .min(1, 'text must not be empty')
    .max(MAX_DOCUMENT_CHARS, `text must be at most ${MAX_DOCUMENT_CHARS} characters`),
});

const searchQuery = z.object({
  q: z.string().trim().min(1, 'q must not be empty').max(2000, 'q must be at most 2000 characters'),
  k: z.coerce.number().int().min(1).max(50).default(8),
  language: z.enum(LANGUAGES).optional(),
  /** Estimated tokens the results may take together. @defaultValue `MGE_RAG_TOKEN_BUDGET` x 4 */
  budget: z.coerce.number().int().min(1).max(100_000).optional(),
});

/** The retriever, or 503 naming what to configure when retrieval is off. */
function retriever(deps: Resources) {
  if (!deps.rag)
    throw new HttpError(
      503,
      'retrieval_off',
      'retrieval is off: set MGE_RAG=on and CHROMA_URL (a Chroma server)',
    );
  return deps.rag;
}

/**
 * Retrieval for the console and the CLI: a tenant's documents are indexed into its own
 * collection, and a search reads only the caller's tenant's collections and the shared examples.
 */
export const ragRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/rag/documents',
    summary: "Index (or replace) a document in the caller's tenant's retrieval collection",
    tag: 'rag',
    auth: 'key',
    body: documentBody,
    success: { status: 201, description: 'the document was indexed: `{ file, indexed }`' },
    errors: { 503: 'retrieval is off (`MGE_RAG`) or Chroma is unreachable' },
    handler: async ({ body, caller, deps }) => {
      const { indexed } = await retriever(deps).indexDocument(
        caller.tenantId,
        body.file,
        body.text,
      );
      return { file: body.file, indexed };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/rag/search',
    summary: "Search the caller's tenant's completed plans and documents and the shared examples",
    tag: 'rag',
    auth: 'key',
    query: searchQuery,
    success: {
      status: 200,
      description:
        '`{ results: [ { sourceId, source, file, name, language, description, code, score, tokens } ] }`, best first',
    },
    errors: { 503: 'retrieval is off (`MGE_RAG`) or Chroma is unreachable' },
    handler: async ({ query, caller, deps }) => ({
      results: await retriever(deps).retrieve({
        tenantId: caller.tenantId,
        query: query.q,
        language: query.language,
        k: query.k,
        tokenBudget: query.budget ?? deps.config.rag.tokenBudget * 4,
      }),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/plans/{id}/retrievals',
    summary: "The retrieved snippets the plan's generation prompts carried",
    tag: 'rag',
    auth: 'key',
    params: planIdParam,
    query: pageQuery,
    owns: 'plan',
    success: {
      status: 200,
      description:
        '`{ retrievals: [ { subjectKind, subjectId, rank, source, sourceId, file, name, score, tokens } ], nextCursor }`, by subject and rank',
    },
    handler: async ({ plan, query, deps }) => {
      const rows = await listPlanRetrievals(deps.db, plan.id, {
        limit: query.limit,
        after: query.cursor,
      });
      return {
        retrievals: rows.map(retrievalView),
        nextCursor: nextCursor(rows, query.limit, (r) => r.id),
      };
    },
  }),
];

/** A recorded snippet as the retrieval routes show it (the code itself left out). */
export function retrievalView(r: PlanRetrieval) {
  return {
    subjectKind: r.subjectKind,
    subjectId: r.subjectId,
    rank: r.rank,
    source: r.source,
    sourceId: r.sourceId,
    file: r.file,
    name: r.name,
    language: r.language,
    score: r.score,
    tokens: r.tokens,
  };
}
