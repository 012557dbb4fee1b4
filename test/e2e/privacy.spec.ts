import { expect, test, type APIRequestContext } from '@playwright/test';
import { expectAccessible, watchConsole } from './helpers.ts';

/**
 * The admin's Privacy page: a privacy notice published and shown to a candidate before applying,
 * retention settings with their preview, and a subject request listed, confirmed and carried out.
 */
const run = Date.now().toString(36);
const admin = { name: 'Grace Admin', email: `grace-${run}@example.com`, password: 'compilers all the way down', org: `Privacy Co ${run}` };
const applicant = { name: 'Ada Applicant', email: `ada-${run}@example.com`, password: 'analytical engine 1843' };
const subject = { name: `Hedy Lamarr${run.replace(/\d/g, '')}`, email: `hedy-${run}@example.com` };

async function registered(request: APIRequestContext, input: Record<string, string>): Promise<string> {
  const response = await request.post('/api/v1/auth/register', { data: input });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).access_token;
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('timed out');
}

test('an admin publishes a notice, sets retention, and erases a person through a subject request; a candidate sees the notice before applying', async ({
  page,
  browser,
  request,
}) => {
  test.slow();
  const errors = watchConsole(page);

  // Set-up through the API: the organization, a job, a resume of a person without an account, a candidate with a clean resume.
  const adminToken = await registered(request, { email: admin.email, password: admin.password, name: admin.name, role: 'recruiter', org_name: admin.org });
  const asAdmin = { authorization: `Bearer ${adminToken}` };
  const job = await (
    await request.post('/api/v1/jobs', { headers: asAdmin, data: { title: `Privacy engineer ${run}`, description: 'Data protection by design.' } })
  ).json();
  const intake = await request.post(`/api/v1/jobs/${job.id}/candidates`, {
    headers: asAdmin,
    multipart: { file: { name: `hedy-${run}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`${subject.name}\n${subject.email}\nSkills\nRadio\n`) } },
  });
  expect(intake.status()).toBe(202);
  const hedy = await intake.json();
  await poll(
    async () => (await (await request.get(`/api/v1/candidates/${hedy.id}`, { headers: asAdmin })).json()).status,
    (status) => status === 'scored',
  );
  const applicantToken = await registered(request, { email: applicant.email, password: applicant.password, name: applicant.name, role: 'candidate' });
  const asApplicant = { authorization: `Bearer ${applicantToken}` };
  const file = await (
    await request.post('/api/v1/files', {
      headers: asApplicant,
      multipart: { category: 'resume', file: { name: 'ada.txt', mimeType: 'text/plain', buffer: Buffer.from(`${applicant.name}\nSkills\nMathematics\n`) } },
    })
  ).json();
  await poll(
    async () => (await (await request.get(`/api/v1/files/${file.id}`, { headers: asApplicant })).json()).status,
    (status) => status === 'clean',
  );

  await page.goto('/signin');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Privacy', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Privacy', level: 1 })).toBeVisible();
  await expect(page.getByText('No subject requests yet.')).toBeVisible();
  await expectAccessible(page, 'privacy');

  // The privacy notice, in versions.
  await page.getByLabel('Notice text').fill('We keep applications for 180 days after the job closes.');
  await page.getByRole('button', { name: 'Publish a new version' }).click();
  await expect(page.getByRole('list', { name: 'Notice versions' })).toContainText('Version 1 (current)');

  // Retention: a period, saved, and the preview of what it will erase.
  await page.getByLabel('Days after a job closes').fill('180');
  await page.getByRole('button', { name: 'Save retention' }).click();
  await expect(page.getByText('Retention saved.')).toBeVisible();
  await expect(page.getByLabel('Days after a job closes')).toHaveValue('180');
  await expect(page.getByRole('heading', { name: 'Erased by the next run' })).toBeVisible();

  // A subject request: the matches first, then the confirmation.
  await page.getByLabel('Email', { exact: true }).fill(subject.email);
  await page.getByLabel('Action').selectOption('erase');
  await page.getByRole('button', { name: 'Find matches' }).click();
  const matches = page.getByRole('table', { name: 'Matches' });
  await expect(matches).toContainText(subject.name);
  await expect(matches).toContainText(`Privacy engineer ${run}`);
  await expectAccessible(page, 'privacy with matches');
  await page.getByRole('button', { name: 'Erase all matches' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('button', { name: 'Erase' })).toBeDisabled();
  await dialog.getByLabel('I understand this cannot be undone').check();
  await dialog.getByRole('button', { name: 'Erase' }).click();
  await expect(page.getByText('Erased 1 candidates and 1 files.')).toBeVisible({ timeout: 60_000 });
  await expect(matches).not.toContainText(subject.name);
  await expectAccessible(page, 'privacy after the erasure');
  expect((await request.get(`/api/v1/candidates/${hedy.id}`, { headers: asAdmin })).status()).toBe(404);
  expect(errors).toEqual([]);

  // The candidate sees the notice before applying and must acknowledge it.
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL!, viewport: { width: 1280, height: 860 } });
  try {
    const candidatePage = await context.newPage();
    const candidateErrors = watchConsole(candidatePage);
    await candidatePage.goto('/signin');
    await candidatePage.getByLabel('Email').fill(applicant.email);
    await candidatePage.getByLabel('Password', { exact: true }).fill(applicant.password);
    await candidatePage.getByRole('button', { name: 'Sign in' }).click();
    await candidatePage.getByRole('link', { name: 'Open jobs' }).click();
    const card = candidatePage.locator(`[data-job-id="${job.id}"]`);
    await card.getByRole('button', { name: /^Apply/ }).click();
    await expect(card.getByRole('heading', { name: 'Privacy notice (version 1)' })).toBeVisible();
    await expect(card).toContainText('We keep applications for 180 days after the job closes.');
    const send = card.getByRole('button', { name: 'Send application' });
    await expect(send).toBeDisabled();
    await expectAccessible(candidatePage, 'apply with a privacy notice');
    await card.getByLabel('I have read this privacy notice').check();
    await send.click();
    await expect(card.getByText('Applied')).toBeVisible();
    expect(candidateErrors).toEqual([]);
  } finally {
    await context.close();
  }
  const applications = await (await request.get('/api/v1/applications', { headers: asApplicant })).json();
  expect(applications.items.map((item: { job_id: string }) => item.job_id)).toContain(job.id);
});
