import { readFile } from 'node:fs/promises';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, screenshot, watchConsole } from './helpers.ts';
import { JOB, candidateResume, recruiterResumes, type ResumeFile } from './resumes.ts';

/**
 * The product through the browser: a recruiter screens resumes for a job (one of them infected),
 * a candidate uploads a resume and applies, the recruiter sees the application; the organization
 * pages; accessibility (axe-core) on every page; the layout at 360 px.
 */
test.describe.configure({ mode: 'serial' });

const run = Date.now().toString(36);
const recruiter = { name: 'Rita Recruiter', email: `rita-${run}@example.com`, password: 'correct horse battery staple', org: 'Acme Robotics' };
const candidate = { name: 'Katherine Johnson', email: `katherine-${run}@example.com`, password: 'orbital mechanics 1962' };

/** The few browser globals used in page functions (the tests compile without the DOM library). */
interface BrowserGlobals {
  document: { querySelector(selector: string): { value: number } | null };
  navigator: { clipboard: { readText(): Promise<string> } };
}

let recruiterContext: BrowserContext;
let recruiterPage: Page;
let recruiterErrors: string[];
let candidateContext: BrowserContext;
let candidatePage: Page;
let candidateErrors: string[];
let jobUrl = '';
let resumes: ResumeFile[] = [];

async function open(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL!, viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  return { context, page, errors: watchConsole(page) };
}

test.beforeAll(async ({ browser }) => {
  ({ context: recruiterContext, page: recruiterPage, errors: recruiterErrors } = await open(browser));
  ({ context: candidateContext, page: candidatePage, errors: candidateErrors } = await open(browser));
  resumes = await recruiterResumes();
});

test.afterAll(async () => {
  await recruiterContext?.close();
  await candidateContext?.close();
});

test('sign in and register pages validate and explain', async () => {
  const page = recruiterPage;
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Enter an email address like name@example.com.')).toBeVisible();
  await expect(page.getByLabel('Email')).toBeFocused();
  await expectAccessible(page, 'sign in');
  await screenshot(page, 'sign-in');

  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
  await page.getByRole('radio', { name: /Hiring/ }).check();
  await page.getByLabel('Full name').fill(recruiter.name);
  await page.getByLabel('Email').fill(recruiter.email);
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('short');
  await expect(password).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Show password' }).click();
  await expect(password).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible();
  await expect(page.getByText(/Name your organization, or paste the invitation code/)).toBeVisible();
  await expectAccessible(page, 'register');
  await screenshot(page, 'register');
});

test('a recruiter registers, creates a job and bulk-uploads five resumes', async () => {
  const page = recruiterPage;
  await page.getByLabel('Password', { exact: true }).fill(recruiter.password);
  await page.getByLabel('Organization name').fill(recruiter.org);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
  await expect(page.getByText(recruiter.org)).toBeVisible();

  // The session survives a reload (refresh cookie; the access token was only in memory).
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
  await expectAccessible(page, 'jobs (empty)');

  await page.getByRole('link', { name: 'New job' }).click();
  await expect(page.getByRole('heading', { name: 'New job' })).toBeVisible();
  await page.getByLabel('Title').fill(JOB.title);
  await page.getByLabel('Description').fill(JOB.description);
  await page.getByLabel('Required skills').fill(JOB.skills.join(', '));
  await page.getByLabel('Nice-to-have skills').fill(JOB.nice.join(', '));
  await page.getByLabel('Location').fill('Remote (EU)');
  await page.getByLabel('Minimum years of experience').fill('3');
  await expectAccessible(page, 'new job');
  await page.getByRole('button', { name: 'Create job' }).click();
  await expect(page.getByRole('heading', { name: JOB.title })).toBeVisible();
  jobUrl = new URL(page.url()).pathname;
  expect(jobUrl).toMatch(/^\/jobs\/[0-9a-f-]{36}$/);

  // Drop five resumes at once through the file picker: one request and one progress bar per file.
  await page.getByLabel('Resumes to add').setInputFiles(resumes.map(({ name, mimeType, buffer }) => ({ name, mimeType, buffer })));
  const uploads = page.getByRole('list', { name: 'Uploads' }).locator(':scope > li');
  await expect(uploads).toHaveCount(5);
  await expect(page.getByText('5 of 5 files processed')).toBeVisible();
  await expect(uploads.locator('.result-added')).toHaveCount(5);

  // The same file again is reported as a duplicate.
  await page.getByLabel('Resumes to add').setInputFiles([{ name: resumes[1]!.name, mimeType: resumes[1]!.mimeType, buffer: resumes[1]!.buffer }]);
  await expect(uploads.first().locator('.result-duplicate')).toContainText('Duplicate');
});

test('the candidates are ranked, and the infected resume is blocked', async () => {
  const page = recruiterPage;
  const ranking = page.getByRole('list', { name: 'Ranked candidates' });
  const rows = ranking.locator(':scope > li');
  await expect(rows).toHaveCount(5);
  // The badges update by themselves while scanning and parsing run.
  await expect(ranking.locator('.badge-pending')).toHaveCount(0, { timeout: 60_000 });
  const blocked = rows.filter({ hasText: 'Infected — blocked' });
  await expect(blocked).toHaveCount(1);
  await expect(blocked).toContainText('mallory-infected.txt');

  await expect(rows.first().locator('.candidate-name')).toHaveText('Ada Lovelace');
  const scores = await ranking.locator('.score[data-score]').evaluateAll((elements) => elements.map((element) => Number(element.getAttribute('data-score'))));
  expect(scores).toHaveLength(4);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  expect(scores[0]).toBeGreaterThan(scores[3]!);
  await expect(rows.first().getByRole('list', { name: 'Matched skills' })).toContainText('TypeScript');
  await expect(rows.nth(3).getByRole('list', { name: 'Missing skills' })).toContainText('PostgreSQL');

  // Search and filters.
  await page.getByLabel('Search resumes').fill('Kubernetes');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Ada Lovelace');
  await page.getByLabel('Search resumes').fill('');
  await page.getByRole('combobox', { name: 'Skill' }).selectOption('PostgreSQL');
  await expect(rows).toHaveCount(2);
  await page.getByRole('combobox', { name: 'Skill' }).selectOption('');
  await page.getByRole('combobox', { name: 'Status' }).selectOption('failed');
  await expect(rows).toHaveCount(1);
  await page.getByRole('combobox', { name: 'Status' }).selectOption('');
  await expect(rows).toHaveCount(5);

  await expectAccessible(page, 'job page');
  await screenshot(page, 'job-page', { fullPage: true });

  // The blocked resume can be neither viewed nor downloaded.
  await blocked.getByRole('link').click();
  await expect(page.getByText('This resume is blocked and cannot be viewed or downloaded.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download resume' })).toHaveCount(0);
  await expectAccessible(page, 'blocked candidate');
  await page.goBack();
});

test('the recruiter opens the best candidate, reads the PDF in the page and downloads it intact', async () => {
  const page = recruiterPage;
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
  await expect(page.getByText('ada.lovelace@example.com')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Matched skills' })).toContainText('PostgreSQL');
  // Why each skill is there: its section and the line it was read from.
  await page.locator('summary', { hasText: 'Where each skill was found' }).click();
  const evidence = page.getByRole('row', { name: /^PostgreSQL/ });
  await expect(evidence.getByRole('cell').first()).toHaveText(/^(Summary|Skills|Other)$/);
  await expect(evidence.getByRole('cell').nth(1)).toContainText('PostgreSQL');
  await expect(page.locator('canvas.pdf-page')).toHaveCount(1);
  await expect(page.getByRole('img', { name: /ada-lovelace\.pdf, page 1 of 1/ })).toBeVisible();
  await expectAccessible(page, 'candidate page');
  await screenshot(page, 'candidate', { fullPage: true });

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download resume' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('ada-lovelace.pdf');
  const bytes = await readFile(await download.path());
  expect(bytes.equals(resumes[0]!.buffer)).toBe(true);
});

test('a candidate uploads a resume with visible progress and applies to the job', async () => {
  const page = candidatePage;
  await page.goto('/register');
  await page.getByLabel('Full name').fill(candidate.name);
  await page.getByLabel('Email').fill(candidate.email);
  await page.getByLabel('Password', { exact: true }).fill(candidate.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/documents$/);
  await expect(page.getByRole('heading', { name: 'My documents' })).toBeVisible();
  await expect(page.locator('.usage-line')).toHaveText('Your storage: 0 B of 100.0 MB stored · 0 of 60 uploads this hour');
  await expectAccessible(page, 'my documents (empty)');

  // Slow the network down to a few MB/s: on loopback the upload would finish at once.
  const cdp = await candidateContext.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 8 * 1024 * 1024, uploadThroughput: 2 * 1024 * 1024 });

  const resume = candidateResume();
  await page.getByLabel(/^File/).setInputFiles({ name: resume.name, mimeType: resume.mimeType, buffer: resume.buffer });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const progress = page.getByRole('progressbar', { name: `Uploading ${resume.name}` });
  await expect(progress).toBeVisible();
  // Part-way (the bar moves), then complete.
  await page.waitForFunction(
    () => {
      const bar = (globalThis as unknown as BrowserGlobals).document.querySelector('.upload-status progress');
      return bar !== null && bar.value > 0 && bar.value < 100;
    },
    undefined,
    { polling: 50 },
  );
  await expect(progress).toHaveJSProperty('value', 100);
  await expect(page.getByText('Uploaded. It is being scanned')).toBeVisible();
  await expect(page.locator('.usage-line')).toContainText('1 of 60 uploads this hour');
  await expect(page.locator('.usage-line')).not.toContainText('0 B of');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  const documents = page.getByRole('list', { name: 'Documents' }).locator(':scope > li');
  await expect(documents).toHaveCount(1);
  await expect(documents.first().locator('.badge')).toHaveText('Clean', { timeout: 60_000 });
  await expect(documents.first().getByRole('button', { name: `Download ${resume.name}` })).toBeVisible();
  await documents
    .first()
    .getByRole('button', { name: `Versions of ${resume.name}` })
    .click();
  await expect(documents.first().getByRole('table')).toContainText(resume.name);
  await expectAccessible(page, 'my documents');
  await screenshot(page, 'documents');

  await page.getByRole('link', { name: 'Open jobs' }).click();
  await expect(page.getByRole('heading', { name: 'Open jobs' })).toBeVisible();
  const job = page.getByRole('list', { name: 'Open jobs' }).locator(':scope > li').filter({ hasText: JOB.title });
  await job.getByRole('button', { name: `Apply to ${JOB.title}` }).click();
  await expect(job.getByLabel('Resume')).toHaveValue(/[0-9a-f-]{36}/);
  await expectAccessible(page, 'open jobs (apply form)');
  await screenshot(page, 'open-jobs');
  await job.getByRole('button', { name: 'Send application' }).click();
  await expect(job.getByText('Applied', { exact: true })).toBeVisible();

  await page.getByRole('link', { name: 'My applications' }).click();
  await expect(page.getByRole('heading', { name: 'My applications' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Applications' })).toContainText(JOB.title);
  await expectAccessible(page, 'my applications');
});

test('the recruiter sees the application among the ranked candidates', async () => {
  const page = recruiterPage;
  await page.goto(jobUrl);
  const row = page.getByRole('list', { name: 'Ranked candidates' }).locator(':scope > li').filter({ hasText: candidate.name });
  await expect(row).toHaveCount(1, { timeout: 60_000 });
  await expect(row.getByText('Applied')).toBeVisible();
  await expect(row.locator('.score[data-score]')).toBeVisible({ timeout: 60_000 });
});

test('the organization admin manages members, API keys and reads the verified audit log', async () => {
  const page = recruiterPage;
  await page.getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('heading', { name: `Members of ${recruiter.org}` })).toBeVisible();
  await expect(page.getByRole('table')).toContainText(recruiter.email);
  // The bulk upload of the first test is counted against the organization (no limit by default).
  await expect(page.locator('.usage-line')).toHaveText(/^Organization storage: \d+(\.\d)? KB stored · uploads not limited$/);
  await page.getByLabel('Email').fill(`new-hire-${run}@example.com`);
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByText(/is invited|joined the organization/)).toBeVisible();
  await expectAccessible(page, 'members');

  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();
  await page.getByLabel('Name').fill('ATS export');
  await page.getByRole('checkbox', { name: /candidates:read/ }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = page.getByLabel('New API key');
  await expect(key).toHaveValue(/\S{20,}/);
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText());
  expect(copied).toBe(await key.inputValue());
  await expect(page.getByRole('table')).toContainText('ATS export');
  await expectAccessible(page, 'API keys');
  await screenshot(page, 'api-keys');

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByText('Verified', { exact: true })).toBeVisible();
  const entries = page.locator('.audit-table tbody tr');
  await expect(entries.first()).toBeVisible();
  await screenshot(page, 'audit-log');
  await page.getByLabel('Action').fill('file.download_url_issued');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(entries).not.toHaveCount(0);
  await expect(entries.locator('td:nth-child(2)')).toHaveText(Array(await entries.count()).fill('file.download_url_issued'));
  await expectAccessible(page, 'audit log');
});

test('the pages fit a 360 px wide screen', async () => {
  const page = recruiterPage;
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(jobUrl);
  await expect(page.getByRole('list', { name: 'Ranked candidates' }).locator(':scope > li')).toHaveCount(6);
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'job page at 360 px');
  await screenshot(page, 'job-page-mobile');
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await expect(page.locator('canvas.pdf-page')).toHaveCount(1);
  await expectNoHorizontalScroll(page);
  await page.goto('/admin/audit');
  await expect(page.getByText('Verified', { exact: true })).toBeVisible();
  await expectNoHorizontalScroll(page);

  await candidatePage.setViewportSize({ width: 360, height: 780 });
  for (const path of ['/documents', '/open-jobs', '/applications']) {
    await candidatePage.goto(path);
    await expect(candidatePage.locator('h1')).toBeVisible();
    await expectNoHorizontalScroll(candidatePage);
  }
});

test('keyboard: skip link, then sign out and back in', async () => {
  const page = recruiterPage;
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/jobs');
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'New job' })).toBeFocused();
  await expectAccessible(page, 'jobs');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email').fill(recruiter.email);
  await page.getByLabel('Password', { exact: true }).fill(recruiter.password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
  await expect(page.getByRole('link', { name: JOB.title })).toBeVisible();
});

test('an admin invites a recruiter with a link shown once, which joins the organization; revoked invitations end', async ({ browser }) => {
  const admin = await open(browser);
  const invitee = await open(browser);
  const inviteeEmail = `ines-${run}@example.com`;
  try {
    const created = await admin.page.request.post('/api/v1/auth/register', {
      data: { email: `owen-${run}@example.com`, password: recruiter.password, name: 'Owen Owner', role: 'recruiter', org_name: 'Invite Co' },
    });
    expect(created.status()).toBe(201);
    const page = admin.page;
    await page.goto('/signin');
    await page.getByLabel('Email').fill(`owen-${run}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill(recruiter.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Members' }).click();
    await expect(page.getByRole('heading', { name: 'Members of Invite Co' })).toBeVisible();
    await expect(page.getByText('No pending invitations.')).toBeVisible();
    await page.getByLabel('Email').fill(inviteeEmail);
    await page.getByLabel('Role').selectOption('admin');
    await page.getByRole('button', { name: 'Add' }).click();
    await expect(page.getByText(/is invited\. Send them this link now: it is shown only once/)).toBeVisible();
    const link = page.getByLabel('Invitation link');
    await expect(link).toHaveValue(/\/register#invitation=vitae_inv_[\w-]{43}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
    const url = await link.inputValue();
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText())).toBe(url);
    await expect(page.getByRole('table', { name: 'Pending invitations' })).toContainText(inviteeEmail);
    await expectAccessible(page, 'members with an invitation');

    // The invitee opens the link: a recruiter account joining with the code, no organization to name.
    await invitee.page.goto(url);
    await expect(invitee.page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
    await expect(invitee.page).not.toHaveURL(/invitation=/);
    await expect(invitee.page.getByRole('radio', { name: /Hiring/ })).toBeChecked();
    await expect(invitee.page.getByLabel('Invitation code')).toHaveValue(url.split('#invitation=')[1]!);
    await expect(invitee.page.getByLabel('Organization name')).toHaveCount(0);
    await invitee.page.getByLabel('Full name').fill('Ines Invitee');
    await invitee.page.getByLabel('Email').fill(inviteeEmail.toUpperCase());
    await invitee.page.getByLabel('Password', { exact: true }).fill(recruiter.password);
    await invitee.page.getByRole('button', { name: 'Create account' }).click();
    await expect(invitee.page).toHaveURL(/\/jobs$/);
    await expect(invitee.page.getByRole('link', { name: 'Members' })).toBeVisible();

    await page.reload();
    // Registered as typed, in capitals; addresses keep their local part and lower-case their domain.
    await expect(page.getByRole('table', { name: 'Members' })).toContainText(`ines-${run}`.toUpperCase() + '@example.com');
    await expect(page.getByText('No pending invitations.')).toBeVisible();

    await page.getByLabel('Email').fill(`never-${run}@example.com`);
    await page.getByRole('button', { name: 'Add' }).click();
    await expect(page.getByRole('table', { name: 'Pending invitations' })).toContainText(`never-${run}@example.com`);
    await page.getByRole('button', { name: `Revoke the invitation of never-${run}@example.com` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke invitation' }).click();
    await expect(page.getByText('No pending invitations.')).toBeVisible();
    await expect(page.getByLabel('Invitation link')).toHaveCount(0);
    expect([...admin.errors, ...invitee.errors]).toEqual([]);
  } finally {
    await admin.context.close();
    await invitee.context.close();
  }
});

test('no console errors on any page', async () => {
  expect(recruiterErrors).toEqual([]);
  expect(candidateErrors).toEqual([]);
});
