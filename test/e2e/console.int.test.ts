import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { stringify } from 'yaml';
import { startApi, type RunningApi } from '@mge/api';
import { findUserByEmail, listAtoms } from '@mge/db';
import { runMge } from '@test/cli';
import { startFleetBreakingAdd } from '@test/faulty-llm';
import {
  CHROMIUM,
  CHROMIUM_FLAGS,
  CONSOLE_INDEX,
  expectRefused as expectRefused_,
  SCREENSHOTS,
  watchPage,
} from '@test/browser';
import { ADMIN_TOKEN, freePort, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { seedConfidenceDecisions } from '@test/review-decisions';
import { describeWhen, missingTool } from '@test/services';
import { startTestSmtp, type TestSmtp } from '@test/smtp';

/**
 * The console end to end in Debian's Chromium (playwright-core, no browser download) against a
 * real API with live progress, every worker role, real Redis and Postgres, and a real SMTP server
 * the emails are read from. A person signs in with the account `mge users create` made. The
 * provider breaks the `add` atom until a human fixes it, so one plan goes submit -> needs review
 * -> edit -> completed through the pages a person uses. Screenshots land in docs/screenshots/.
 */
const EMAIL = 'ada@example.com';
const SHOTS = SCREENSHOTS;

describeWhen(missingTool(CHROMIUM, 'chromium'), 'the web console in a real browser', () => {
  let fleet: TestFleet;
  let smtp: TestSmtp;
  let api: RunningApi;
  let password: string;
  let planId: string;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  let failedRequests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CONSOLE_INDEX))
      throw new Error(`${CONSOLE_INDEX} is missing: run \`npm run build\` (npm test builds it)`);
    mkdirSync(SHOTS, { recursive: true });
    smtp = await startTestSmtp();
    const port = await freePort();
    ({ fleet } = await startFleetBreakingAdd({
      MGE_SMTP_URL: smtp.url,
      MGE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    }));
    api = await startApi(fleet.config, fleet.resources, port);
    // The first admin, as an operator makes one: the CLI prints a generated password once.
    const created = await runMge(
      ['users', 'create', '--tenant', 'default', '--email', EMAIL, '--admin'],
      { env: { ...process.env, DATABASE_URL: fleet.database.url } },
    );
    expect(created).toMatchObject({ code: 0, stderr: expect.stringContaining('created admin') });
    password = created.stdout.trim();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    ({ consoleErrors, failedRequests } = watchPage(page));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await fleet?.stop();
    await smtp?.close();
  }, 30_000);

  const shot = (name: string) =>
    page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const expectRefused = (...statuses: RegExp[]) =>
    expectRefused_({ consoleErrors, failedRequests }, ...statuses);
  /** Replaces a CodeMirror editor's text, as a person pasting would. */
  const paste = async (testId: string, text: string) => {
    await page.getByTestId(testId).locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
  };

  const signIn = async (email: string, secret: string) => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('signs in, submits a plan, shows problems at their line, follows it live, reviews and opens an atom', async () => {
    await page.goto(api.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('sign-in');
    await signIn(EMAIL, 'not the password');
    await page.getByRole('alert').getByText('Wrong email or password').waitFor();
    expectRefused(/POST .*\/api\/v2\/auth\/session 401$/);
    await signIn(EMAIL, password);
    await page.getByRole('heading', { name: 'Plans' }).waitFor();
    await page.getByTestId('signed-in-as').getByText(`${EMAIL} (admin)`).waitFor();

    // The access cookie expires (here: dropped): the page refreshes the session and carries on.
    const refreshes: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v2/auth/session/refresh')) refreshes.push(r.method());
    });
    await page.context().clearCookies({ name: 'mge_session' });
    await page.reload();
    await page.getByRole('heading', { name: 'Plans' }).waitFor();
    expect(refreshes).toEqual(['POST']);
    expectRefused(/GET .*\/api\/v2\/auth\/me 401$/);

    // A plan the API refuses: its problem is shown at the line of the offending task.
    await page.getByRole('link', { name: 'Submit a plan' }).first().click();
    const plan = threeFilePlan('console-e2e');
    const broken = stringify({
      ...plan,
      tasks: [{ ...plan.tasks[0], file: undefined }, ...plan.tasks.slice(1)],
    });
    await paste('plan-editor', broken);
    await page.getByRole('button', { name: 'Submit' }).click();
    const problem = page.getByTestId('problems').locator('li').first();
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/^line \d+: tasks\.0\.file/);
    await shot('submit-problems');
    expectRefused(/POST .*\/api\/v2\/plans 400$/);

    // The fixed plan as an uploaded YAML file: it replaces the editor's text (else the
    // submit below is refused again and the page stays).
    await page.getByLabel('Or upload a plan file').setInputFiles({
      name: 'plan.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(stringify(plan)),
    });
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
    planId = page.url().split('/').pop()!;
    await page.getByTestId('live').getByText('live').waitFor();
    // The provider breaks `add` on every attempt: the plan waits for a human.
    await page
      .locator('header')
      .getByTestId('status')
      .getByText('needs review')
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('dag').locator('.react-flow__node').first().waitFor();
    await shot('plan-needs-review');

    // The review queue: `e` edits; an edit that drops an export fails L2 inline; a good one lands.
    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByTestId('review-panel').waitFor();
    const original = await page.getByTestId('review-editor').locator('.cm-content').innerText();
    await page.keyboard.press('e');
    await paste(
      'review-editor',
      'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
    );
    await page.getByRole('button', { name: 'Save edit' }).click();
    await page.getByTestId('review-editor').locator('.cm-lintRange-error').first().waitFor();
    await shot('review-diagnostics');
    expectRefused(/POST .*\/api\/v2\/review\/[0-9a-f-]+ 400$/);
    await paste(
      'review-editor',
      original.replace('const __broken = (;', '').replace('return a + b;', 'return b + a;'),
    );
    await page.getByRole('button', { name: 'Save edit' }).click();
    await page.getByTestId('review-list').getByText('edited').waitFor();

    // Back on the plan: it completes, every node of the graph validated.
    await page.getByRole('link', { name: 'Back to the plan' }).click();
    await page
      .locator('header')
      .getByTestId('status')
      .getByText('completed')
      .waitFor({ timeout: 60_000 });
    const nodes = page.getByTestId('dag').locator('.react-flow__node');
    await page.getByTestId('atoms-validated').waitFor();
    const atomCount = await nodes.count();
    expect(atomCount).toBeGreaterThan(3);
    await page.waitForFunction(
      `document.querySelectorAll('.react-flow__node[aria-label$=": validated"]').length === ${atomCount}`,
    );
    // Cost and tokens over time, and every atom settled (uPlot draws on a canvas).
    await page.getByTestId('chart-spend').locator('canvas').waitFor();
    expect(await page.getByTestId('chart-spend').locator('figcaption').innerText()).toMatch(
      /\d+ LLM calls, \$\d+\.\d{4} and \d+ tokens in all/,
    );
    await page
      .getByTestId('chart-throughput')
      .getByText(`${atomCount} validated, 0 failed`)
      .waitFor();
    // Its output: a file tree and a read-only editor; the reviewer's code is in the file.
    const tree = page.getByRole('navigation', { name: 'Output files' });
    await tree.getByRole('button', { name: 'math.ts' }).click();
    await page
      .getByTestId('output-file')
      .getByRole('textbox', { name: 'src/math.ts (read-only)' })
      .getByText('return b + a;')
      .waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download as zip' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('console-e2e.zip');
    const zip = await readFile(await download.path());
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.includes(Buffer.from('console-e2e/src/math.ts'))).toBe(true);
    await shot('plan-completed');

    // The edited atom: its code and the diff from the drafted code.
    await page
      .getByTestId('atoms-validated')
      .getByRole('link', { name: 'src/math.ts: add' })
      .click();
    await page.getByRole('heading', { name: 'add' }).waitFor();
    // Nothing comes before `add`; stats and report use it, each a link to that atom.
    await page.getByRole('heading', { name: 'Prerequisites (0)' }).waitFor();
    const dependents = page.getByTestId('dependents').getByRole('link');
    await dependents.first().waitFor();
    const dependentNames = await dependents.allInnerTexts();
    expect(dependentNames.length).toBeGreaterThan(0);
    expect(dependentNames.every((n) => /^src\/(stats|report)\.ts: /.test(n))).toBe(true);
    expect(await page.getByTestId('atom-code').innerText()).toContain('return b + a;');
    // Every attempt the provider broke, with the parser's error and the answer it refused.
    const attempts = page.getByTestId('attempts').getByRole('listitem');
    await attempts.first().waitFor();
    expect(await attempts.count()).toBe(3);
    const first = page.getByRole('listitem', { name: 'Attempt 1: refused' });
    expect(await first.locator('pre').first().innerText()).toMatch(/line \d+/);
    await first.getByText("The model's answer").click();
    await first.getByText('const __broken = (;').waitFor();
    // The diff: by default the last refused answer against the reviewer's code.
    await page
      .getByRole('region', { name: "Diff from Attempt 3 (refused) to Reviewer's code" })
      .waitFor();
    await page.getByLabel('From', { exact: true }).selectOption({ label: 'Drafted code' });
    await page.getByRole('region', { name: "Diff from Drafted code to Reviewer's code" }).waitFor();
    await shot('atom');
    // A dependent's page lists `add` among its prerequisites.
    await page.getByTestId('dependents').getByRole('link').first().click();
    await page
      .getByTestId('prerequisites')
      .getByRole('link', { name: /^src\/math\.ts: add/ })
      .waitFor();

    await page.getByRole('link', { name: 'Plans' }).click();
    await page.getByTestId('plans').getByRole('link', { name: 'console-e2e' }).waitFor();
    await page.getByLabel('Status').selectOption('completed');
    await page.getByTestId('plans').getByText('completed').waitFor();
    await page.getByLabel('Mode', { exact: true }).selectOption('mvp');
    await page.getByText('No plans with status completed in mode mvp yet.').waitFor();
    await page.getByLabel('Mode', { exact: true }).selectOption('v2');
    const row = page.getByTestId('plans').getByRole('row').filter({ hasText: 'console-e2e' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/v2\s+\$\d+\.\d{4}/);
    await shot('plans');

    // Narrow screens: no sideways scrolling of the page.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${api.url}/plans/${planId}`);
    await page.locator('header').getByTestId('status').getByText('completed').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  }, 180_000);

  /** The single-use link an email carried, on this API's origin. */
  const linkIn = (text: string | undefined, pathname: string) => {
    const match = new RegExp(`https?://\\S+${pathname}\\?token=\\S+`).exec(text ?? '');
    if (!match) throw new Error(`no ${pathname} link in: ${text}`);
    return match[0];
  };

  it('resets a password through the emailed link and signs in with the new one', async () => {
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(api.url);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await page.getByRole('status').getByText(`If ${EMAIL} has an account`).waitFor();
    const mail = await smtp.take(EMAIL, /reset your password/);
    const link = linkIn(mail.text, '/reset-password');
    expect(link.startsWith(`${api.url}/reset-password?token=`)).toBe(true);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const fresh = 'a brand new passphrase';
    await page.getByLabel('New password', { exact: true }).fill(fresh);
    await page.getByLabel('Repeat the new password').fill('something else entirely');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('alert').getByText('The two passwords differ.').waitFor();
    await page.getByLabel('Repeat the new password').fill(fresh);
    await shot('reset-password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('status').getByText('sign in with the new one').waitFor();

    // The link is single-use; the old password no longer works; the new one does.
    await signIn(EMAIL, password);
    await page.getByRole('alert').getByText('Wrong email or password').waitFor();
    expectRefused(/POST .*\/api\/v2\/auth\/session 401$/);
    await signIn(EMAIL, fresh);
    await page.getByTestId('signed-in-as').getByText(`${EMAIL} (admin)`).waitFor();
    password = fresh;
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  }, 60_000);

  it('accepts an emailed invitation: the invited person chooses a password and is signed in', async () => {
    const invitee = 'grace@example.com';
    const invited = await fetch(`${api.url}/api/v2/auth/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: invitee, role: 'member' }),
    });
    expect(invited.status).toBe(201);
    const mail = await smtp.take(invitee, /invited/);
    await page.goto(linkIn(mail.text, '/accept-invitation'));
    await page.getByRole('heading', { name: 'Accept an invitation' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('graces own passphrase');
    await page.getByLabel('Repeat the new password').fill('graces own passphrase');
    await shot('accept-invitation');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByTestId('signed-in-as').getByText(`${invitee} (member)`).waitFor();
    await page.getByRole('heading', { name: 'Plans' }).waitFor();
    // A member sees no Bull Board link (it is admin only).
    expect(await page.getByRole('link', { name: 'Queues (Bull Board)' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  }, 60_000);

  it('lets an admin invite, change a role, create and revoke a key, see usage and set the rollout; a person sets their plan emails', async () => {
    const api_ = (path: string, key: string) =>
      fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    // Reviewers' verdicts on low-confidence atoms (seeded rows, labelled so: the fleet's
    // provider leaves none low): every third rejected, enough for the learned model.
    const atoms = await listAtoms(fleet.resources.db, planId);
    await seedConfidenceDecisions(
      fleet.resources.db,
      planId,
      atoms.map((a) => a.id),
      24,
    );
    await page.goto(api.url);
    await signIn(EMAIL, password);
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByRole('heading', { name: 'Admin', exact: true }).waitFor();

    // Users: the invited member becomes an admin; one's own role is not editable.
    const graceRole = page.getByLabel('Role of grace@example.com');
    expect(await graceRole.inputValue()).toBe('member');
    expect(await page.getByLabel(`Role of ${EMAIL}`).isDisabled()).toBe(true);
    const patched = page.waitForResponse(
      (r) => r.request().method() === 'PATCH' && r.url().includes('/api/v2/users/'),
    );
    await graceRole.selectOption('admin');
    expect((await patched).status()).toBe(200);
    expect((await findUserByEmail(fleet.resources.db, 'grace@example.com'))?.role).toBe('admin');
    const selectId = JSON.stringify(await graceRole.getAttribute('id'));
    await page.waitForFunction(`document.getElementById(${selectId}).value === 'admin'`);
    await page.getByLabel('Invite by email').fill('lin@example.com');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').getByText('Invitation emailed to lin@example.com.').waitFor();
    expect((await smtp.take('lin@example.com', /invited/)).text).toContain(
      '/accept-invitation?token=',
    );

    // A key for a machine: shown once, works, then revoked, refused.
    await page.getByRole('button', { name: 'Create a key' }).click();
    const key = await page.getByTestId('new-key').inputValue();
    expect(key).toMatch(/^mge_/);
    expect((await api_('/api/v2/plans', key)).status).toBe(200);
    await page.getByRole('button', { name: `Revoke key ${key.slice(0, 8)}` }).click();
    await page
      .getByTestId('api-keys')
      .getByText(/^revoked/)
      .waitFor();
    expect((await api_('/api/v2/plans', key)).status).toBe(401);

    // Usage and the dual-mode switch with both modes side by side.
    await page.getByTestId('usage').getByText('LLM calls').waitFor();
    await page.getByTestId('mode-stats').getByRole('columnheader', { name: 'mvp' }).waitFor();
    await page.getByLabel('Plans drawn into v2 (%)').fill('25');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForResponse((r) => r.url().endsWith('/api/v2/mode/stats') && r.ok());
    const mode = (await (await api_('/api/v2/mode', ADMIN_TOKEN)).json()) as {
      rolloutPercent: number | null;
    };
    expect(mode.rolloutPercent).toBe(25);
    // Tenants: each with its plans, and its mode pinned from here (then back to the fleet's).
    const pin = page.getByLabel('Mode of tenant default');
    const refetched = () =>
      page.waitForResponse((r) => r.url().endsWith('/api/v2/tenants') && r.ok());
    await Promise.all([refetched(), pin.selectOption('mvp')]);
    const pinned = (await (await api_('/api/v2/tenants', ADMIN_TOKEN)).json()) as {
      items: { name: string; modeOverride: string | null; plans: number }[];
    };
    const own = pinned.items.find((t) => t.name === 'default');
    expect(own).toMatchObject({ modeOverride: 'mvp' });
    expect(own!.plans).toBeGreaterThan(0);
    await Promise.all([refetched(), pin.selectOption('')]);
    // Confidence: the learned model's calibration beside the formula's.
    await page.getByTestId('confidence').getByText('Brier, learned').waitFor();
    await page.getByText('Scoring with a model fitted to 24 review decisions').waitFor();
    expect(await page.getByTestId('reliability-plot').getAttribute('aria-label')).toMatch(
      /Learned \(out of fold\): \d/,
    );
    await shot('admin');
    // The Bull Board link works on the session cookie alone (no key, no Basic auth prompt).
    const board = await page.request.get(`${api.url}/admin/queues`);
    expect(board.status()).toBe(200);

    // The person's own plan emails.
    await page.getByTestId('signed-in-as').click();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    const finish = page.getByLabel('Email me when a plan finishes');
    expect(await finish.isChecked()).toBe(false);
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v2/auth/me/notifications'));
    await finish.check();
    expect((await saved).status()).toBe(200);
    expect(await finish.isChecked()).toBe(true);
    expect((await findUserByEmail(fleet.resources.db, EMAIL))?.notifyOnFinish).toBe(true);
    await shot('account');
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  }, 60_000);

  it('shows Bull Board with its texts translated', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: ADMIN_TOKEN },
      viewport: { width: 1280, height: 860 },
    });
    const board = await context.newPage();
    const missing: string[] = [];
    board.on('response', (r) => {
      if (r.status() >= 400) missing.push(`${r.url()} ${r.status()}`);
    });
    await board.goto(`${api.url}/admin/queues`);
    await board.getByText('atomize').first().waitFor();
    // The overview (job counts per queue) renders after the menu: check its texts too.
    await board.getByText('Loading...').waitFor({ state: 'detached', timeout: 30_000 });
    const text = await board.locator('body').innerText();
    expect(text).not.toMatch(/MENU\.QUEUES|QUEUE\.STATUS\.ALL|DASHBOARD\.JOBS_COUNT/);
    expect(missing).toEqual([]);
    await board.screenshot({ path: path.join(SHOTS, 'bull-board.png') });
    await context.close();
  }, 60_000);
});
