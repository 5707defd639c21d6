import { z } from 'zod';
import { planIdParam } from '../request-parsing.js';
import { defineRoute, Reply } from '../route.js';
import { listWorkspace, readWorkspaceFile, workspaceOf, zipWorkspace } from '../output-files.js';

/** `?path` of one output file: relative, inside the plan's output. */
export const outputFileQuery = z.object({
  path: z
    .string({ error: 'path is required' })
    .min(1, 'path must not be empty')
    .max(1000, 'path is too long'),
});

/** A plan's output workspace (the design's WorkspaceService): its files, one file, a zip. */
export const outputRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v2/plans/{id}/files',
    summary: "The files of a plan's output workspace, with their sizes",
    tag: 'plans',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: { status: 200, description: '`{ planId, files: [{ path, size }] }`' },
    errors: { 404: 'the plan has no output yet' },
    handler: async ({ plan }) => ({
      planId: plan.id,
      files: await listWorkspace(workspaceOf(plan)),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/plans/{id}/file',
    summary: "One file of a plan's output workspace, as text",
    tag: 'plans',
    auth: 'key',
    params: planIdParam,
    query: outputFileQuery,
    owns: 'plan',
    success: { status: 200, description: '`{ path, size, content }`' },
    errors: {
      400: 'the path leaves the output directory (`..`, absolute, a link out)',
      404: 'the plan has no output, or no such file',
    },
    handler: ({ plan, query }) => readWorkspaceFile(workspaceOf(plan), query.path),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/plans/{id}/output.zip',
    summary: "A plan's output workspace as a zip (streamed)",
    tag: 'plans',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: { status: 200, type: 'application/zip', description: 'the zip' },
    errors: { 404: 'the plan has no output yet' },
    handler: async ({ plan }) => {
      const name = plan.name.replace(/[^\w.-]+/g, '-') || plan.id;
      return new Reply(await zipWorkspace(workspaceOf(plan), name), {
        type: 'application/zip',
        headers: { 'content-disposition': `attachment; filename="${name}.zip"` },
      });
    },
  }),
];
