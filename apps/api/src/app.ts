import express, { type Express } from 'express';
import type { Config } from '@mge/config';
import type { Resources } from '@mge/pipeline';
import { authenticate } from './auth.js';
import { BULL_BOARD_PATH, bullBoardRouter } from './bull-board.js';
import { errorHandler, sendError } from './http-errors.js';
import { openApiRouter } from './openapi.js';
import { atomsRouter } from './routes/atoms.js';
import { dependencyGraphRouter, executionWavesRouter } from './routes/graph.js';
import { healthRouter } from './routes/health.js';
import { modeRouter } from './routes/mode.js';
import { planControlRouter } from './routes/plan-control.js';
import { plansRouter } from './routes/plans.js';
import { reviewRouter } from './routes/review.js';
import { usageRouter } from './routes/usage.js';
import { v1Router } from './routes/v1.js';
import { validationRouter } from './routes/validation.js';

export interface AppDeps {
  resources: Resources;
  /** Tenant that the admin token acts for. */
  defaultTenantId: string;
}

/** The HTTP API, with no listening socket: tests drive it with supertest. */
export function createApp({ config, deps }: { config: Config; deps: AppDeps }): Express {
  const r = deps.resources;
  const auth = { db: r.db, adminToken: config.adminToken, defaultTenantId: deps.defaultTenantId };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(express.json({ limit: config.apiBodyLimitBytes }));

  app.use(healthRouter(r));
  app.use(openApiRouter());
  app.use('/api/v2/plans', authenticate(auth), plansRouter(r));
  app.use('/api/v2/mode', authenticate(auth), modeRouter(r, authenticate(auth, { admin: true })));
  app.use('/api/v1', authenticate(auth), v1Router(r));
  app.use('/api/v2/dependency-graph', authenticate(auth), dependencyGraphRouter(r));
  app.use('/api/v2/execution-waves', authenticate(auth), executionWavesRouter(r));
  app.use('/api/v2/validate', authenticate(auth), validationRouter(r));
  app.use('/api/v2', authenticate(auth), planControlRouter(r));
  app.use('/api/v2/usage', authenticate(auth), usageRouter(r));
  app.use('/api/v2', authenticate(auth), atomsRouter(r));
  app.use('/api/v2', authenticate(auth), reviewRouter(r));
  app.use(
    BULL_BOARD_PATH,
    authenticate(auth, { admin: true, browser: true }),
    bullBoardRouter(r.queues),
  );

  app.use((req, res) => sendError(res, 404, 'not_found', `no route for ${req.method} ${req.path}`));
  app.use(errorHandler(r.logger));
  return app;
}
