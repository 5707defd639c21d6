import Ajv2020 from 'ajv/dist/2020';
import { threeFilePlan } from '@test/plans';
import { API_OPERATIONS } from './api-routes.js';
import { openApiDocument } from './openapi.js';
import { planIdParam } from './request-parsing.js';
import type { ApiOperation } from './route.js';

// No OpenAPI 3.1 meta-schema is available offline, so these check the invariants that tools
// (Swagger UI, client generators) rely on, and compile every embedded schema as JSON Schema 2020-12.

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: object;
}
interface Operation {
  operationId: string;
  security: object[];
  parameters: Parameter[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

const document = openApiDocument();
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Operation })),
);
const ajv = new Ajv2020({ strict: true, validateFormats: false });
const bodySchema = (path: string, method: string) =>
  operations.find((o) => o.path === path && o.method === method)!.op.requestBody!.content[
    'application/json'
  ]!.schema;

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with one operation per table entry and unique operation ids', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(operations).toHaveLength(API_OPERATIONS.length);
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares exactly the parameters of each path template, all required', () => {
    for (const { path, op } of operations) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = op.parameters.filter((p) => p.in === 'path');
      expect({ path, params: declared.map((p) => p.name).sort() }).toEqual({
        path,
        params: inPath.sort(),
      });
      expect(declared.every((p) => p.required)).toBe(true);
    }
  });

  it('gives every operation a success response and the shared error body on every error', () => {
    for (const { path, op } of operations) {
      const statuses = Object.keys(op.responses).map(Number);
      expect({ path, success: statuses.some((s) => s < 400) }).toEqual({ path, success: true });
      for (const status of statuses.filter((s) => s >= 400))
        expect(op.responses[status]!.content!['application/json']!.schema).toEqual({
          $ref: '#/components/schemas/Error',
        });
    }
  });

  it('documents 401 on every operation that needs a key (or declares it) and no security on public ones', () => {
    for (const { path, method, op } of operations) {
      const entry = API_OPERATIONS.find((o) => o.path === path && o.method === method)!;
      expect({ path, has401: '401' in op.responses, open: op.security.length === 0 }).toEqual({
        path,
        // A public operation answers 401 only when it says so (sign-in: wrong password).
        has401: entry.auth !== 'none' || entry.errors?.[401] !== undefined,
        open: entry.auth === 'none',
      });
    }
  });

  it('embeds schemas that compile as JSON Schema 2020-12, with only local references', () => {
    const schemas = [
      ...Object.values(document.components.schemas),
      ...operations.flatMap(({ op }) => [
        ...op.parameters.map((p) => p.schema),
        ...Object.values(op.requestBody?.content ?? {}).map((c) => c.schema),
      ]),
    ];
    for (const schema of schemas) expect(() => ajv.compile(schema)).not.toThrow();
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    for (const ref of refs) expect(ref).toMatch(/^#\/components\/schemas\/Error$/);
  });

  it('describes request bodies the way the routes validate them', () => {
    const plan = ajv.compile(bodySchema('/api/v2/plans', 'post'));
    expect(plan(threeFilePlan())).toBe(true);
    expect(plan({ ...threeFilePlan(), language: 'cobol' })).toBe(false);
    const review = ajv.compile(bodySchema('/api/v2/review/{atomId}', 'post'));
    expect(review({ action: 'edit', code: 'x = 1' })).toBe(true);
    expect(review({ action: 'merge' })).toBe(false);
    // A defaulted field is optional for the client (`io: 'input'`).
    const list = operations.find((o) => o.path === '/api/v2/plans' && o.method === 'get')!;
    expect(list.op.parameters.map((p) => [p.name, p.required])).toEqual([
      ['limit', false],
      ['cursor', false],
      ['status', false],
      ['mode', false],
    ]);
  });

  it('describes a WebSocket upgrade as a GET answering 101, marked x-websocket', () => {
    const ws: ApiOperation = {
      method: 'get',
      path: '/ws/masterplan/{id}',
      summary: "A plan's live progress",
      tag: 'plans',
      auth: 'key',
      params: planIdParam,
      owns: 'plan',
      success: { status: 101, description: 'Switching Protocols: progress events follow' },
      extensions: { 'x-websocket': true },
    };
    const op = openApiDocument([ws]).paths['/ws/masterplan/{id}']!.get as Operation;
    expect(op).toMatchObject({ 'x-websocket': true, responses: { 101: {}, 401: {}, 404: {} } });
    expect(op.responses[101]!.content).toBeUndefined();
  });
});
