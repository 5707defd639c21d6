import { BULL_BOARD_PATH } from './bull-board.js';
import { liveProgressQuery, liveStreamParams } from './live-progress.js';
import type { ApiOperation, Route } from './route.js';
import { accountRoutes } from './routes/accounts.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { atomRoutes } from './routes/atoms.js';
import { chatRoutes } from './routes/chat.js';
import { confidenceRoutes } from './routes/confidence.js';
import { graphRoutes } from './routes/graph.js';
import { healthRoutes } from './routes/health.js';
import { modeRoutes } from './routes/mode.js';
import { tenantRoutes } from './routes/tenants.js';
import { outputRoutes } from './routes/output.js';
import { planControlRoutes } from './routes/plan-control.js';
import { planRoutes } from './routes/plans.js';
import { ragRoutes } from './routes/rag.js';
import { reviewRoutes } from './routes/review.js';
import { usageRoutes } from './routes/usage.js';
import { v1Routes } from './routes/v1.js';
import { validationRoutes } from './routes/validation.js';

/** Every route the registrar mounts, in matching order. */
export const API_ROUTES: readonly Route[] = [
  ...healthRoutes,
  ...accountRoutes,
  ...apiKeyRoutes,
  ...planRoutes,
  ...planControlRoutes,
  ...outputRoutes,
  ...atomRoutes,
  ...graphRoutes,
  ...validationRoutes,
  ...reviewRoutes,
  ...confidenceRoutes,
  ...usageRoutes,
  ...modeRoutes,
  ...tenantRoutes,
  ...ragRoutes,
  ...v1Routes,
  ...chatRoutes,
];

/** Operations served by their own routers (`app.ts`, `server.ts`): documented, not mounted. */
export const SERVED_ELSEWHERE: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: 'the document' },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'Interactive API docs (Swagger UI) over /openapi.json',
    tag: 'operations',
    auth: 'none',
    success: { status: 200, description: 'an HTML page', type: 'text/html' },
  },
  {
    method: 'get',
    path: BULL_BOARD_PATH,
    summary: 'Bull Board: the queues in a browser',
    tag: 'operations',
    auth: 'admin',
    success: { status: 200, description: 'an HTML page', type: 'text/html' },
  },
  {
    method: 'get',
    path: '/ws/masterplan/{id}',
    summary:
      'Live progress (WebSocket): a snapshot, then every plan, atom, task and cost event; `?since=N` resumes after N',
    tag: 'v1',
    auth: 'key',
    params: liveStreamParams('masterplan'),
    query: liveProgressQuery,
    owns: 'plan',
    success: {
      status: 101,
      description:
        'switching to WebSocket; frames are JSON `{ seq, at, type, ... }` (see docs/architecture.md)',
    },
    extensions: { 'x-websocket': true },
  },
  {
    method: 'get',
    path: '/ws/chat/{id}',
    summary:
      "A conversation's live stream (WebSocket): a snapshot of its messages, then the assistant's reply as `chat` chunks and `conversation` changes; `?since=N` resumes",
    tag: 'chat',
    auth: 'key',
    params: liveStreamParams('chat'),
    query: liveProgressQuery,
    owns: 'conversation',
    success: {
      status: 101,
      description:
        'switching to WebSocket; frames are JSON `{ seq, at, type, ... }` (see docs/architecture.md)',
    },
    extensions: { 'x-websocket': true },
  },
  {
    method: 'get',
    path: '/ws/discovery/{id}',
    summary:
      "A discovery's live progress (WebSocket): a snapshot (status, attempts, spending), then each planner step (queued, retrieval, calling attempt N, retrying with feedback, done or failed), cost and `discovery` status events; `?since=N` resumes",
    tag: 'v1',
    auth: 'key',
    params: liveStreamParams('discovery'),
    query: liveProgressQuery,
    owns: 'discovery',
    success: {
      status: 101,
      description:
        'switching to WebSocket; frames are JSON `{ seq, at, type, ... }` (see docs/architecture.md)',
    },
    extensions: { 'x-websocket': true },
  },
];

/** Every operation of the API: what the OpenAPI document describes and the endpoint tests walk. */
export const API_OPERATIONS: readonly ApiOperation[] = [...API_ROUTES, ...SERVED_ELSEWHERE];
