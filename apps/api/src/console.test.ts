import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { consoleHandler } from './console';

function appServing(dir: string) {
  const app = express();
  app.use(consoleHandler(dir));
  app.use((_req, res) => res.status(404).json({ error: { code: 'not_found' } }));
  return app;
}

describe('the console handler', () => {
  const built = mkdtempSync(path.join(tmpdir(), 'mge-console-'));
  mkdirSync(path.join(built, 'assets'));
  writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>MGE console</title>');
  writeFileSync(path.join(built, 'assets', 'index-abc.js'), 'console.log(1)');
  const app = appServing(built);

  it('answers GET / with the page, whatever the client accepts', async () => {
    for (const accept of ['*/*', 'text/html']) {
      const res = await request(app).get('/').set('accept', accept);
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/html');
      expect(res.text).toContain('MGE console');
    }
  });

  it('serves hashed assets as immutable', async () => {
    const res = await request(app).get('/assets/index-abc.js');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('answers a console route a browser navigates to with the page', async () => {
    const res = await request(app).get('/plans/123').set('accept', 'text/html,*/*');
    expect(res.status).toBe(200);
    expect(res.text).toContain('MGE console');
  });

  it.each([
    '/api/v2/nope',
    '/ws/x',
    '/admin/queues/x',
    '/docs/x',
    '/metrics',
    '/healthz',
    '/readyz',
    '/openapi.json',
  ])('leaves %s to the API even for a browser', async (url) => {
    const res = await request(app).get(url).set('accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('keeps the JSON 404 for a non-browser client on an unknown path', async () => {
    const res = await request(app).get('/nope').set('accept', 'application/json');
    expect(res.status).toBe(404);
  });

  it('says how to build the console when it is not built', async () => {
    const res = await request(appServing(path.join(built, 'missing'))).get('/');
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build');
  });
});
