import { Readable } from 'node:stream';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { NotFoundError } from '@mge/core';
import type { Resources } from '@mge/pipeline';
import type { Accounts } from './accounts/account-service.js';
import { CSRF_HEADER, csrfOk } from './accounts/sessions.js';
import { authenticate, requestCookies, type AuthSettings } from './auth.js';
import { parseInput } from './request-parsing.js';
import { OWNED_LOOKUPS } from './owned-rows.js';
import { Reply, type Route, type RouteInput } from './route.js';

const JSON_TYPE = 'application/json';

/** `/plans/{id}/cancel` -> `/plans/:id/cancel`. */
const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** The id a route's owned resource is looked up by: `ownerId`, or the path's one parameter. */
function ownerIdOf(route: Route): (input: RouteInput<unknown, unknown, unknown>) => unknown {
  if (route.ownerId) return route.ownerId;
  const names = Object.keys(route.params?.shape ?? {});
  if (names.length !== 1)
    throw new Error(`${route.method} ${route.path}: owns ${route.owns} needs ownerId`);
  return (input) => (input.params as Record<string, unknown>)[names[0]!];
}

function send(res: Response, route: Route, result: unknown): void {
  const reply = result instanceof Reply ? result : new Reply(result);
  const { status = route.success.status, type = route.success.type ?? JSON_TYPE } = reply.options;
  res.status(status);
  for (const { name, value, options } of reply.options.cookies ?? [])
    if (value === null) res.clearCookie(name, options);
    else res.cookie(name, value, options);
  if (reply.options.location) res.location(reply.options.location);
  for (const [name, value] of Object.entries(reply.options.headers ?? {}))
    res.setHeader(name, value);
  if (reply.body instanceof Readable) {
    res.type(type);
    // A stream that fails after the headers went out can only end the response early.
    reply.body.on('error', (err) => res.destroy(err));
    reply.body.pipe(res);
  } else if (type === JSON_TYPE) res.json(reply.body);
  else res.type(type).send(reply.body);
}

/** Parses the request, loads the owned rows, runs the handler and sends its answer. */
function handle(route: Route, deps: Resources, accounts: Accounts): RequestHandler {
  const ownerId = route.owns && ownerIdOf(route);
  return async (req: Request, res: Response) => {
    const input: RouteInput<unknown, unknown, unknown> = {
      params: route.params ? parseInput(route.params, req.params) : {},
      query: route.query ? parseInput(route.query, req.query) : {},
      body: route.parseBody
        ? route.parseBody(req.body)
        : route.body && parseInput(route.body, req.body),
    };
    let owned = {};
    const id = ownerId?.(input);
    if (route.owns && typeof id === 'string') {
      const rows = await OWNED_LOOKUPS[route.owns](deps.db, id, req.caller!.tenantId);
      if (!rows) throw new NotFoundError(route.owns, id);
      owned = rows;
    }
    const cookies = requestCookies(req);
    const client = {
      ip: req.ip ?? '',
      cookies,
      csrf: csrfOk(req.method, cookies, req.get(CSRF_HEADER)),
    };
    const ctx = { ...input, ...owned, caller: req.caller, deps, accounts, client };
    send(res, route, await route.handler(ctx));
  };
}

/**
 * A router serving `routes` in order: each checks its `auth`, parses its params, query and body
 * (400 `invalid_input`), loads the caller's tenant's owned row (404 `not_found` otherwise), then
 * runs its handler. Errors go to the app's error handler.
 */
export function mountRoutes(
  routes: readonly Route[],
  { auth, resources, accounts }: { auth: AuthSettings; resources: Resources; accounts: Accounts },
): Router {
  const router = Router();
  for (const route of routes) {
    const chain: RequestHandler[] = [];
    if (route.auth !== 'none') chain.push(authenticate(auth, { admin: route.auth === 'admin' }));
    const textTypes = (route.bodyTypes ?? []).filter((type) => type !== JSON_TYPE);
    if (textTypes.length > 0)
      chain.push(express.text({ type: textTypes, limit: resources.config.apiBodyLimitBytes }));
    chain.push(handle(route, resources, accounts));
    router[route.method](expressPath(route.path), ...chain);
  }
  return router;
}
