import express, { type Express } from 'express';
import type { Config } from '@mge/config';
import type { Resources } from '@mge/pipeline';
import { Accounts } from './accounts/account-service.js';
import { AttemptLimiter } from './accounts/rate-limit.js';
import { Sessions } from './accounts/sessions.js';
import { API_ROUTES } from './api-routes.js';
import { authenticate } from './auth.js';
import { BULL_BOARD_PATH, bullBoardRouter } from './bull-board.js';
import { consoleHandler } from './console.js';
import { errorHandler, sendError } from './http-errors.js';
import { openApiRouter } from './openapi.js';
import { mountRoutes } from './route-registrar.js';

export interface AppDeps {
  resources: Resources;
  /** Tenant that the admin token acts for. */
  defaultTenantId: string;
}

/** The HTTP API, with no listening socket: tests drive it with supertest. */
export function createApp({ config, deps }: { config: Config; deps: AppDeps }): Express {
  const r = deps.resources;
  const sessions = new Sessions(config);
  if (!config.auth.jwtSecret)
    r.logger.warn('MGE_JWT_SECRET is not set: sessions end when this process restarts');
  const auth = {
    db: r.db,
    adminToken: config.adminToken,
    defaultTenantId: deps.defaultTenantId,
    sessions,
  };
  const accounts = new Accounts({
    db: r.db,
    mailer: r.mailer,
    config,
    sessions,
    limits: {
      signIn: new AttemptLimiter(r.redis, r.config, 'sign-in'),
      reset: new AttemptLimiter(r.redis, r.config, 'reset'),
    },
    clock: r.clock,
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(express.json({ limit: config.apiBodyLimitBytes }));

  app.use(mountRoutes(API_ROUTES, { auth, resources: r, accounts }));
  app.use(openApiRouter());
  app.use(
    BULL_BOARD_PATH,
    authenticate(auth, { admin: true, browser: true }),
    bullBoardRouter(r.queues),
  );

  app.use(consoleHandler());

  app.use((req, res) => sendError(res, 404, 'not_found', `no route for ${req.method} ${req.path}`));
  app.use(errorHandler(r.logger));
  return app;
}
