import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import { z } from 'zod';
import { API_OPERATIONS } from './api-routes.js';
import { errorBody } from './http-errors.js';
import type { ApiOperation } from './route.js';

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of what a client sends: `io: 'input'` keeps defaulted fields optional and
 * describes a transform by its input instead of throwing. The 2020-12 dialect is OpenAPI 3.1's.
 */
function requestSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' });
  return rest;
}

/** One parameter per property of a params or query object schema. */
function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  const json = requestSchema(schema) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** The error statuses an operation can answer, from what it declares. */
function errorResponses(op: ApiOperation): Record<string, ReturnType<typeof errorResponse>> {
  const errors: Record<number, string> = {};
  if (op.params || op.query || op.body) errors[400] = 'invalid_input or invalid_json';
  if (op.auth !== 'none') errors[401] = 'missing, invalid or revoked API key, or expired session';
  if (op.auth !== 'none' && !['get', 'head'].includes(op.method))
    errors[403] = 'csrf_failed: a cookie session without the x-csrf-token header';
  if (op.auth === 'admin')
    errors[403] = 'forbidden: not an admin key or admin user; or csrf_failed (cookie session)';
  if (op.owns) errors[404] = `no such ${op.owns} for the caller's tenant`;
  if (op.body) errors[413] = 'payload_too_large: the body is over MGE_API_BODY_LIMIT_MB';
  Object.assign(errors, op.errors);
  return Object.fromEntries(Object.entries(errors).map(([s, d]) => [s, errorResponse(d)]));
}

/** `post /api/v2/plans/{id}/cancel` -> `postApiV2PlansIdCancel` (a unit test checks uniqueness). */
function operationId(op: ApiOperation): string {
  const words = op.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return op.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function operationObject(op: ApiOperation) {
  const bodySchema = op.body && requestSchema(op.body);
  const successType = op.success.type ?? 'application/json';
  return {
    operationId: operationId(op),
    summary: op.summary,
    tags: [op.tag],
    security:
      op.auth === 'none'
        ? []
        : op.auth === 'admin'
          ? [{ basicAuth: [] }, { bearerAuth: [] }, { cookieAuth: [] }]
          : [{ bearerAuth: [] }, { cookieAuth: [] }],
    parameters: [...parameters('path', op.params), ...parameters('query', op.query)],
    ...(bodySchema && {
      requestBody: {
        // Routes read a missing body as `{}`, so a body whose fields are all optional may be left out.
        required: !op.body!.safeParse({}).success,
        content: Object.fromEntries(
          (op.bodyTypes ?? ['application/json']).map((type) => [type, { schema: bodySchema }]),
        ),
      },
    }),
    responses: {
      [op.success.status]: {
        description: op.success.description,
        ...(op.success.status === 101 ? {} : { content: { [successType]: {} } }),
      },
      ...errorResponses(op),
    },
    ...op.extensions,
  };
}

function apiVersion(): string {
  // `../package.json` is apps/api's own manifest from both src/ (tests) and dist/.
  const manifest = path.join(__dirname, '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * The OpenAPI 3.1 document of `operations` (every declared route and the operations served
 * elsewhere), with every request schema taken from the declarations' zod.
 */
export function openApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method] = operationObject(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'MGE API',
      version: apiVersion(),
      description:
        'Turns a software plan into validated code. Send `Authorization: Bearer KEY` ' +
        '(create a key with `npx mge keys create --tenant NAME`). Every error body is ' +
        '`{ error: { code, message, details? } }`. Lists take `?limit&cursor` and answer ' +
        '`nextCursor` (null on the last page).',
    },
    servers: [{ url: '/', description: 'this server' }],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: requestSchema(errorBody) },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'an MGE API key' },
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: 'mge_session',
          description:
            'a signed-in session (POST /api/v2/auth/session); unsafe methods also need the x-csrf-token header echoing the mge_csrf cookie',
        },
        basicAuth: {
          type: 'http',
          scheme: 'basic',
          description: 'any user name, the API key as password (Bull Board in a browser)',
        },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** `GET /openapi.json` and the Swagger UI page at `/docs` (its assets come from swagger-ui-dist). */
export function openApiRouter(document: OpenApiDocument = openApiDocument()): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // Relative URLs keep the page working behind a proxy that adds a path prefix.
  const ui = { swaggerUrl: '../openapi.json', customSiteTitle: 'MGE API' };
  // The page loads "./swagger-ui.css" and friends, so it must be served from ".../docs/".
  const trailingSlash: RequestHandler = (req, res, next) => {
    if (req.originalUrl === req.baseUrl) return res.redirect(301, 'docs/');
    next();
  };
  router.use(
    '/docs',
    trailingSlash,
    swaggerUi.serveFiles(undefined, ui),
    swaggerUi.setup(undefined, ui),
  );
  return router;
}
