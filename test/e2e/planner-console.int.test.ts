import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApi, type RunningApi } from '@mge/api';
import {
  CHROMIUM,
  CHROMIUM_FLAGS,
  CONSOLE_INDEX,
  expectRefused,
  SCREENSHOTS,
  watchPage,
} from '@test/browser';
import { runMge } from '@test/cli';
import { startFakeAnthropic, type FakeAnthropic } from '@test/fake-anthropic';
import { ADMIN_TOKEN, freePort, startTestFleet, type TestFleet } from '@test/fleet';
import { planIn, SETTLED } from '@test/plan-status';
import {
  answer,
  broken,
  designs,
  discovery,
  milestone1,
  REQUIREMENTS,
  skeleton,
} from '@test/planner-answers';
import { analysedDiscovery, approveCodeReviews, failingDesignedTest } from '@test/planner-flow';
import { describeWhen, missingTool, waitFor } from '@test/services';

jest.setTimeout(120_000);

/**
 * The planner's pages in Debian's Chromium against a real API and workers (real Redis and
 * Postgres) whose model is the local Messages-API server, scripted with the hand-written planner
 * answers of test/support/planner-answers.ts: requirements -> discovery -> MasterPlan (repair
 * fails, so the validator's error shows, also at its task) -> versions and their diff -> edits in the
 * console (a task fixed, an unknown dependency introduced and fixed, a milestone, a task added and
 * removed: each a version with its diff, approval waiting while invalid) -> approve -> the plan page.
 */
describeWhen(missingTool(CHROMIUM, 'chromium'), 'the planner pages in a real browser', () => {
  let fake: FakeAnthropic;
  let fleet: TestFleet;
  let api: RunningApi;
  let browser: Browser;
  let page: Page;
  let watched: ReturnType<typeof watchPage>;
  /** The plan the first test approved (its drafts are not scripted: it fails, unattended). */
  let approvedId: string | undefined;

  beforeAll(async () => {
    if (!existsSync(CONSOLE_INDEX))
      throw new Error(`${CONSOLE_INDEX} is missing: run \`npm run build\` (npm test builds it)`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    fake = await startFakeAnthropic();
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      ANTHROPIC_BASE_URL: fake.url,
      MGE_LLM_MAX_RETRIES: '0',
      MGE_PLANNER_ATTEMPTS: '2',
      MGE_PLANNER_REPAIR_ROUNDS: '1',
      // Code failing a test is repaired once before it goes to review (keeps the review test short).
      MGE_MAX_ATTEMPTS: '2',
    });
    api = await startApi(fleet.config, fleet.resources, await freePort());
    const created = await runMge(
      ['users', 'create', '--tenant', 'default', '--email', 'pat@example.com', '--admin'],
      { env: { ...process.env, DATABASE_URL: fleet.database.url } },
    );
    expect(created.code).toBe(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    watched = watchPage(page);
    await page.goto(api.url);
    await page.getByLabel('Email').fill('pat@example.com');
    await page.getByLabel('Password').fill(created.stdout.trim());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Plans' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await fleet?.stop();
    await fake?.close();
  }, 30_000);

  const shot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it('analyses requirements, shows the discovery, writes and reviews the plan, and approves it', async () => {
    await page.getByRole('link', { name: 'New from requirements' }).click();
    await page.getByRole('heading', { name: 'New plan from requirements' }).waitFor();
    // Uploaded as a Markdown file: its text fills the textarea; then sent from the keyboard.
    const upload = page.getByLabel('Or upload a text or Markdown file');
    await upload.setInputFiles({
      name: 'requirements.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(REQUIREMENTS),
    });
    const text = page.getByRole('textbox', { name: 'Requirements' });
    await waitFor(
      async () => ((await text.inputValue()) === REQUIREMENTS ? true : undefined),
      'the uploaded text in the textarea',
    );
    fake.script(answer(discovery));
    await upload.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Discovery: Library loans' }).waitFor();
    await page.getByTestId('discovery-status').getByText('ready').waitFor();
    // The planner's steps as the discovery socket told them (read from the stream's start).
    const steps = page.getByTestId('discovery-steps');
    await steps.getByText(/^retrieval: done — retrieval is off/).waitFor();
    await steps.getByText(/^discovery: done \(attempt 1\)/).waitFor();
    await page
      .getByTestId('discovery-spent')
      .getByText(/^Spent so far: \$\d+\.\d{4}/)
      .waitFor();
    const requirements = await page.getByTestId('requirements').locator('> li').allInnerTexts();
    expect(requirements.map((r) => r.split(' ')[0])).toEqual(['R1', 'R2', 'R3', 'R4']);
    await page.getByTestId('bounded-contexts').getByText('Catalog').waitFor();
    await page.getByTestId('bounded-contexts').getByText('Lending').waitFor();
    await page.getByTestId('open-questions').getByText('May loans be renewed?').waitFor();
    await shot('discovery');

    // The second milestone comes back with a dangling dependency twice: repair cannot fix it.
    fake.script(
      answer(skeleton),
      answer(milestone1),
      answer(broken.dangling),
      answer(broken.dangling),
    );
    await page.getByRole('button', { name: 'Generate the plan' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Review the plan: library-loans' }).waitFor();
    const errors = page.getByTestId('validation-errors');
    await errors.getByText('unknown_dependency').waitFor({ timeout: 30_000 });
    expect(await errors.innerText()).toContain('tasks[2].dependsOn[2]');
    expect(await page.getByRole('button', { name: 'Approve and start' }).isDisabled()).toBe(true);
    const outline = await page.getByTestId('outline').innerText();
    for (const text of ['Identifiers', 'Catalog and loans', 'src/ids.ts', 'src/loans.ts'])
      expect(outline).toContain(text);
    const estimate = await page.getByTestId('estimate').innerText();
    expect(estimate).toMatch(/Estimated cost\s*\$0\.\d{4}/);
    expect(estimate).not.toMatch(/Estimated tokens\s*0\b/);
    // Versions 1 (generated) and 2 (the failed repair): what changed between them.
    await page.getByLabel('From version').selectOption('1');
    await page.getByLabel('To version').selectOption('2');
    await page.getByTestId('version-diff').getByText('tasks').waitFor();
    await shot('masterplan-review');

    // The validator's error also shows at the task it names.
    const planId = /\/plans\/([\w-]+)\/masterplan/.exec(page.url())![1]!;
    const approve = page.getByRole('button', { name: 'Approve and start' });
    const issuesOf = (task: string) => page.getByTestId(`task-${task}`).getByTestId('issues');
    expect(await issuesOf('loans').innerText()).toMatch(
      /Error unknown_dependency in dependsOn: unknown task "payments"/,
    );
    expect(await page.getByTestId('task-catalog').getByTestId('issues').count()).toBe(0);
    const figure = async (label: string) =>
      (await page.getByTestId('estimate').innerText()).match(
        new RegExp(`${label}\\s*([\\d.,$]+)`),
      )?.[1];
    const focused = () =>
      page.evaluate<string | null>("document.activeElement?.getAttribute('aria-label') ?? null");
    /** Saves the open form from the keyboard; waits for the new version in the versions list. */
    const saveAs = async (form: ReturnType<Page['getByRole']>, version: number) => {
      await form.getByLabel('Title').press('Enter');
      await page.getByTestId('edit-status').getByText(`Saved as version ${version}`).waitFor();
      await page.getByRole('heading', { name: `Versions (${version})` }).waitFor();
      expect(await page.getByLabel('From version').inputValue()).toBe(String(version - 1));
      expect(await page.getByLabel('To version').inputValue()).toBe(String(version));
    };

    // Fixed in the console's editor, from the keyboard: a third version, and what it changed.
    await page.getByRole('button', { name: 'Edit task loans' }).focus();
    await page.keyboard.press('Enter');
    const editLoans = page.getByRole('form', { name: 'Edit task loans' });
    expect(
      await editLoans.getByLabel('Title').evaluate((e) => e === e.ownerDocument.activeElement),
    ).toBe(true);
    const loansDeps = editLoans.getByLabel('Depends on');
    expect(await loansDeps.inputValue()).toBe('catalog, ids, payments');
    expect(await loansDeps.getAttribute('aria-invalid')).toBe('true');
    expect(await approve.isDisabled()).toBe(true);
    await loansDeps.fill('catalog, ids');
    await saveAs(editLoans, 3);
    await page.getByTestId('validation-ok').waitFor();
    await page.getByTestId('version-diff').getByText('loans changed (dependsOn)').waitFor();
    expect(await issuesOf('loans').count()).toBe(0);
    expect(await focused()).toBe('Edit task loans');
    expect(await approve.isDisabled()).toBe(false);
    const tokensBefore = await figure('Estimated tokens');

    // A dependency on a task that does not exist, and a bigger estimate: a fourth version whose
    // error shows at that task; approval waits; the estimate grows.
    await page.getByRole('button', { name: 'Edit task catalog' }).click();
    const editCatalog = page.getByRole('form', { name: 'Edit task catalog' });
    await editCatalog.getByLabel('Depends on').fill('ids, payments');
    await editCatalog.getByLabel('Estimated lines').fill('160');
    await saveAs(editCatalog, 4);
    await page.getByTestId('validation-errors').getByText('task catalog').waitFor();
    expect(await issuesOf('catalog').innerText()).toContain('unknown task "payments"');
    expect(await approve.isDisabled()).toBe(true);
    await page
      .getByTestId('version-diff')
      .getByText(/catalog changed \((dependsOn, estimatedLoc|estimatedLoc, dependsOn)\)/)
      .waitFor();
    expect(Number((await figure('Estimated tokens'))!.replace(/,/g, ''))).toBeGreaterThan(
      Number(tokensBefore!.replace(/,/g, '')),
    );
    await page.getByRole('button', { name: 'Edit task catalog' }).click();
    expect(await editCatalog.getByLabel('Depends on').getAttribute('aria-invalid')).toBe('true');
    await shot('masterplan-editor');
    await editCatalog.getByLabel('Depends on').fill('ids');
    await saveAs(editCatalog, 5);
    await page.getByTestId('validation-ok').waitFor();

    // A milestone: Escape leaves it as it was (no version); then its goal is edited.
    await page.getByRole('button', { name: 'Edit milestone M2' }).click();
    const editM2 = page.getByRole('form', { name: 'Edit milestone M2' });
    await editM2.getByLabel('Goal').fill('not saved');
    await editM2.getByLabel('Goal').press('Escape');
    await editM2.waitFor({ state: 'detached' });
    expect(await focused()).toBe('Edit milestone M2');
    await page.keyboard.press('Enter');
    expect(await editM2.getByLabel('Goal').inputValue()).toBe('the library works');
    await editM2.getByLabel('Goal').fill('books are lent and overdue loans listed');
    await editM2.getByLabel('Name').press('Enter');
    await page.getByTestId('edit-status').getByText('Saved as version 6').waitFor();
    await page.getByTestId('version-diff').getByText('M2 changed (goal)').waitFor();
    expect(await page.getByTestId('outline').innerText()).toContain(
      'books are lent and overdue loans listed',
    );

    // A task added (no test covers it: a warning, not an error), then removed.
    await page.getByRole('button', { name: 'Add a task to M2' }).click();
    const newTask = page.getByRole('form', { name: 'New task in M2' });
    await newTask.getByLabel('Id', { exact: true }).fill('fees');
    await newTask.getByLabel('Title').fill('Late fees');
    await newTask.getByLabel('File').fill('src/fees.ts');
    await newTask.getByLabel('Depends on').fill('loans');
    await newTask.getByLabel('Estimated lines').fill('40');
    await saveAs(newTask, 7);
    await page.getByTestId('version-diff').getByText('added fees').waitFor();
    expect(await issuesOf('fees').innerText()).toContain('Warning untested_task');
    expect(await figure('Tasks')).toBe('4');
    expect(await approve.isDisabled()).toBe(false);
    await page.getByRole('button', { name: 'Remove task fees' }).click();
    await page
      .getByRole('group', { name: 'Remove task fees' })
      .getByRole('button', { name: 'Remove the task' })
      .click();
    await page.getByTestId('edit-status').getByText('Saved as version 8').waitFor();
    await page.getByTestId('version-diff').getByText('removed fees').waitFor();
    expect(await figure('Tasks')).toBe('3');
    await page.getByTestId('validation-ok').waitFor();

    await approve.click();
    approvedId = planId;
    await page.waitForURL(new RegExp(`/plans/${planId}$`));
    await page.getByRole('heading', { name: 'library-loans' }).waitFor();
    expect(watched.consoleErrors).toEqual([]);
    expect(watched.failedRequests).toEqual([]);
  });

  it('shows a designed test that fails on approved code in the review queue; an edit of the test completes the plan', async () => {
    const { db } = fleet.resources;
    // The first test's plan draws no scripted answer meant for this one.
    if (approvedId) await planIn(db, approvedId, [...SETTLED, 'paused']);
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const discoveryId = await analysedDiscovery(fleet.app, headers, fake);
    const flow = { app: fleet.app, headers, db, fake, discoveryId };
    // Its drafted loans file fails the 21-day test; a reviewer approves the code; L4 fails again.
    const planId = await failingDesignedTest(flow);
    expect(await approveCodeReviews(flow, planId)).toBeGreaterThan(0);
    await planIn(db, planId, SETTLED);

    // The plan page says why it waits, and leads to the review queue.
    await page.goto(`${api.url}/plans/${planId}`);
    await page.locator('header').getByTestId('status').getByText('needs review').waitFor();
    await page
      .getByText('1 test(s) fail on code a reviewer approved; see the review queue')
      .waitFor();
    await page.getByRole('link', { name: 'Review queue' }).click();
    const list = page.getByTestId('review-list');
    const row = list.getByRole('button', { name: /test\/loans\.test\.ts/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/test file · open/);
    await row.click();
    const panel = page.getByTestId('review-panel');
    await panel.getByRole('heading', { name: 'Test test/loans.test.ts' }).waitFor();
    // The reason: the approved code it blames and the failing assertion's output.
    const reason = await panel
      .locator('p')
      .filter({ hasText: /^Reason:/ })
      .innerText();
    expect(reason).toMatch(/the test fails on code a reviewer approved \(src\/loans\.ts/);
    expect(reason).toContain('a loan is due 14 days later');
    expect(reason).toContain('1814400000');
    const editor = page.getByTestId('review-editor');
    await editor.getByRole('textbox', { name: 'Test code under review' }).waitFor();
    expect(await editor.locator('.cm-content').innerText()).toContain('21 * 86_400_000');
    await panel.getByRole('button', { name: 'Redesign (r)' }).waitFor();
    await shot('review-test');

    // The reviewer edits the test: a broken edit is refused at L1, shown at its line; the
    // requirement's 14 days are saved.
    const paste = async (text: string) => {
      await editor.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(text);
    };
    await panel.getByRole('button', { name: 'Edit (e)' }).click();
    await paste(designs.loans.replace("test('a loan", "test(((('a loan"));
    await panel.getByRole('button', { name: 'Save edit' }).click();
    await editor.locator('.cm-lintRange-error').first().waitFor();
    expect(await panel.getByRole('alert').innerText()).toMatch(/^line \d+: test: syntax: /);
    expectRefused(watched, /POST .*\/api\/v2\/review-queue\/[0-9a-f-]+\/tests 400$/);
    await paste(designs.loans);
    await panel.getByRole('button', { name: 'Save edit' }).click();
    await list
      .getByRole('button', { name: /test\/loans\.test\.ts/ })
      .getByText('edited')
      .waitFor();

    await page.getByRole('link', { name: 'Back to the plan' }).click();
    await page
      .locator('header')
      .getByTestId('status')
      .getByText('completed')
      .waitFor({ timeout: 30_000 });
    const plan = await planIn(db, planId, SETTLED);
    expect({ status: plan.status, error: plan.error }).toEqual({
      status: 'completed',
      error: null,
    });
    expect(plan.input.tests.find((t) => t.file === 'test/loans.test.ts')?.code).toBe(designs.loans);
    // The failed requests first: they name the URL of a "Failed to load resource" error.
    expect(watched.failedRequests).toEqual([]);
    expect(watched.consoleErrors).toEqual([]);
  }, 60_000);
});
