import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import yauzl from 'yauzl';
import { expectAccessible, watchConsole } from './helpers.ts';

const run = Date.now().toString(36);
const person = { name: 'Dorothy Vaughan', email: `dorothy-${run}@example.com`, password: 'fortran for everyone 1961' };

/** The names of the entries of a ZIP file and the text of its data.json. */
function readExport(file: string): Promise<{ names: string[]; data: any }> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error(`${file} cannot be opened`));
      const names: string[] = [];
      let data: any = null;
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        if (entry.fileName !== 'data.json') return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error(`${entry.fileName} cannot be read`));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve({ names, data }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

test('a candidate exports their data, downloads it, and deletes their account', async ({ page }) => {
  // One journey from registration to erasure, with four accessibility checks: more than the default budget.
  test.slow();
  const errors = watchConsole(page);
  await page.goto('/register');
  await page.getByLabel('Full name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/documents$/);
  await page
    .getByLabel(/^File/)
    .setInputFiles({ name: 'dorothy.txt', mimeType: 'text/plain', buffer: Buffer.from(`${person.name}\n${person.email}\nSkills\nFortran\n`) });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Documents' }).locator('.badge').first()).toHaveText('Clean', { timeout: 60_000 });

  await page.getByRole('link', { name: 'My data' }).click();
  await expect(page.getByRole('heading', { name: 'My data', level: 1 })).toBeVisible();
  await expectAccessible(page, 'my data');
  await page.getByRole('button', { name: 'Export my data' }).click();
  const exports = page.getByRole('list', { name: 'Exports' }).locator(':scope > li');
  await expect(exports).toHaveCount(1);
  await expect(exports.first().locator('.badge')).toHaveText('Ready', { timeout: 60_000 });
  await expectAccessible(page, 'my data (export ready)');
  const downloading = page.waitForEvent('download');
  await exports
    .first()
    .getByRole('button', { name: /^Download/ })
    .click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^vitae-export-\d{4}-\d{2}-\d{2}\.zip$/);
  const exported = await readExport(await download.path());
  expect(exported.data.account).toMatchObject({ name: person.name, email: person.email });
  expect(exported.names).toEqual(expect.arrayContaining(['data.json', expect.stringMatching(/^files\/[0-9a-f-]{36}\/dorothy\.txt$/)]));
  expect((await readFile(await download.path())).subarray(0, 2).toString('latin1')).toBe('PK');

  // The delete button waits for the typed confirmation; a wrong password is refused next to its field.
  const erase = page.getByRole('button', { name: 'Delete my account' });
  await page.getByLabel('Password').fill('not my password at all');
  await expect(erase).toBeDisabled();
  await page.getByLabel(/^Type .delete my account. to confirm/).fill('delete my account');
  await erase.click();
  await expect(page.getByText('The password is wrong.')).toBeVisible();
  await expectAccessible(page, 'my data (wrong password)');
  await page.getByLabel('Password').fill(person.password);
  await erase.click();
  await expect(page).toHaveURL(/\/signin\?erased=1$/);
  await expect(page.getByText('Your account and everything of it have been deleted.')).toBeVisible();
  await expectAccessible(page, 'sign in after erasure');

  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/wrong email or password/i);
  // The failed sign-in and the wrong password are the API's answers; nothing else may fail.
  expect(errors.filter((error) => !/status of (401|403)/.test(error))).toEqual([]);
});
