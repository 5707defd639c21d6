import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';

/** Paths the API itself answers: never the console's page, even when nothing matched them. */
const API_PATHS = [
  '/api',
  '/ws',
  '/admin',
  '/docs',
  '/openapi.json',
  '/metrics',
  '/healthz',
  '/readyz',
];

/** apps/console/dist, from apps/api/src (tests) and apps/api/dist alike. */
export const CONSOLE_DIST = path.resolve(__dirname, '..', '..', 'console', 'dist');

const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MGE console not built</title></head>
<body><h1>The MGE console is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm ci</code>, which builds it) and reload.
The API itself is up: see <a href="/docs/">/docs/</a>.</p></body></html>`;

/**
 * The web console (apps/console, built by Vite during `npm ci`) at `/`: its files, and its
 * index.html for any other GET that asks for HTML (client-side routes such as `/plans/:id`). API
 * paths fall through to their routers and the JSON 404.
 */
export function consoleHandler(dir: string = CONSOLE_DIST): RequestHandler {
  const files = express.static(dir, {
    index: false,
    // Vite names assets by content hash: they never change under one name.
    setHeaders: (res, file) => {
      if (file.includes(`${path.sep}assets${path.sep}`))
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  const index = path.join(dir, 'index.html');
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (API_PATHS.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    files(req, res, () => {
      // `/` is always the page; other paths only for a browser's navigation (it asks for
      // text/html), so other clients keep the JSON 404.
      if (req.path !== '/' && !req.headers.accept?.includes('text/html')) return next();
      if (!existsSync(index)) return res.status(503).type('html').send(notBuilt);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  };
}
