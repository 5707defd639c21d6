import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (no browser download), and what the console's
 * browser tests watch: console errors and failed requests in the network log.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
export const CONSOLE_INDEX = path.resolve(
  __dirname,
  '..',
  '..',
  'apps',
  'console',
  'dist',
  'index.html',
);

/** Collects the page's console errors and failed requests (4xx/5xx answers, network errors). */
export function watchPage(page: Page): { consoleErrors: string[]; failedRequests: string[] } {
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('requestfailed', (r) => {
    // Leaving a page aborts its open requests (a refetch, the socket): not a failure.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      failedRequests.push(`${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.request().method()} ${r.url()} ${r.status()}`);
  });
  return { consoleErrors, failedRequests };
}

/**
 * Takes the 4xx answers a step provoked on purpose out of what `watchPage` collected (Chromium
 * also logs each as a console error), expecting exactly those: one per pattern, in order.
 */
export function expectRefused(
  watched: { consoleErrors: string[]; failedRequests: string[] },
  ...statuses: RegExp[]
): void {
  expect(watched.failedRequests.splice(0)).toEqual(
    statuses.map((s): unknown => expect.stringMatching(s)),
  );
  expect(watched.consoleErrors.splice(0)).toEqual(
    statuses.map((): unknown =>
      expect.stringMatching(/^Failed to load resource: .* status of 4\d\d/),
    ),
  );
}
