import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, uploadStreamed, waitForScan, type Session } from '../helpers/api.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { createDb } from '../../src/db/database.ts';
import { migrateToLatest, migrator } from '../../src/db/migrate.ts';
import { newId } from '../../src/domain/ids.ts';
import { signPayload } from '../../src/services/webhooks/webhooks.ts';
import { SecretBox } from '../../src/services/webhooks/secret-box.ts';

/**
 * Per-webhook signing secrets. The receiver listens on loopback, so this app runs with
 * WEBHOOK_ALLOW_PRIVATE_TARGETS=true; it is given a test resolver (the injectable `resolveHost` of
 * the services) that answers 127.0.0.1 for `receiver.example.com`, a name the system resolver does
 * not know: a delivery that arrives proves the request connected to the resolved address.
 */
let t: TestApp;
let admin: Session;
let receiver: WebhookReceiver;
let port: number;
let received: WebhookReceiver['received'];

beforeAll(async () => {
  t = await startTestApp({
    env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    resolveHost: async (hostname) => {
      if (hostname !== 'receiver.example.com') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return [{ address: '127.0.0.1', family: 4 }];
    },
  });
  admin = await register(t, { role: 'recruiter', orgName: 'Signed Co' });
  receiver = await startWebhookReceiver();
  ({ port, received } = receiver);
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

const legacySecret = (jwtSecret: string, id: string) => `whsec_${createHmac('sha256', jwtSecret).update(`webhook:${id}`).digest('base64url')}`;

function signatureOf(delivery: WebhookReceiver['received'][number]) {
  const [t1, v1] = String(delivery.headers['vitae-signature']).split(',');
  return { timestamp: Number(t1!.slice(2)), hex: v1!.slice(3) };
}

/** Uploads a file whose scan sends `file.clean`, and returns the delivery of that event. */
async function deliveryOfNewFile() {
  const upload = await uploadStreamed(t, admin, { bytes: Buffer.from(`A resume ${randomBytes(4).toString('hex')}\n`), filename: 'cv.txt', category: 'resume' });
  const fileId = (await json(upload)).id as string;
  expect((await waitForScan(t, admin, fileId)).status).toBe('clean');
  await expect.poll(() => received.some((d) => JSON.parse(d.body).data.file_id === fileId), { timeout: 20_000 }).toBe(true);
  return received.find((d) => JSON.parse(d.body).data.file_id === fileId)!;
}

describe('webhook signing secrets', () => {
  let hook: { id: string; secret: string };

  it('each webhook has its own random secret, shown once and stored only encrypted', async () => {
    const created = await t.fetch('/api/v1/webhooks', {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://receiver.example.com:${port}/hooks`, events: ['file.clean'] }),
    });
    expect(created.status).toBe(201);
    hook = await json(created);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    // No longer derived from the token key: rotating JWT_SECRET leaves it alone.
    expect(hook.secret).not.toBe(legacySecret(t.env.JWT_SECRET!, hook.id));

    const listed = await (await t.fetch('/api/v1/webhooks', { headers: admin.headers })).text();
    expect(listed).toContain(hook.id);
    expect(listed).not.toContain(hook.secret);
    const row = await t.runtime.db.selectFrom('webhooks').select('secret_ciphertext').where('id', '=', hook.id).executeTakeFirstOrThrow();
    expect(row.secret_ciphertext).not.toContain(hook.secret.slice(6));
    expect(new SecretBox(t.env.WEBHOOK_SECRETS_KEY!).open(row.secret_ciphertext, hook.id)).toBe(hook.secret);
    expect(() => new SecretBox(randomBytes(32).toString('hex')).open(row.secret_ciphertext, hook.id)).toThrow(/cannot be decrypted/);
    expect(() => new SecretBox(t.env.WEBHOOK_SECRETS_KEY!).open(row.secret_ciphertext, newId())).toThrow(/cannot be decrypted/);
  });

  it('deliveries are signed with it and sent to the address the name resolved to, with the name as Host', async () => {
    const delivery = await deliveryOfNewFile();
    expect(delivery.headers.host).toBe(`receiver.example.com:${port}`);
    const { timestamp, hex } = signatureOf(delivery);
    expect(hex).toBe(signPayload(hook.secret, timestamp, delivery.body));
  });

  it('rotating replaces the secret: the old one no longer verifies the next delivery', async () => {
    const candidate = await register(t, { role: 'candidate' });
    expect((await t.fetch(`/api/v1/webhooks/${hook.id}/rotate-secret`, { method: 'POST', headers: candidate.headers })).status).toBe(404);

    const rotated = await t.fetch(`/api/v1/webhooks/${hook.id}/rotate-secret`, { method: 'POST', headers: admin.headers });
    expect(rotated.status).toBe(200);
    const body = await json(rotated);
    expect(body).toMatchObject({ id: hook.id, url: `http://receiver.example.com:${port}/hooks`, events: ['file.clean'] });
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(hook.secret);

    const delivery = await deliveryOfNewFile();
    const { timestamp, hex } = signatureOf(delivery);
    expect(hex).toBe(signPayload(body.secret, timestamp, delivery.body));
    expect(hex).not.toBe(signPayload(hook.secret, timestamp, delivery.body));

    const audit = await json(await t.fetch('/api/v1/audit?action=webhook.secret_rotated', { headers: admin.headers }));
    expect(audit.items).toEqual([expect.objectContaining({ action: 'webhook.secret_rotated', actor_id: admin.user.id, outcome: 'allowed' })]);
  });
});

describe('migration 0007', () => {
  it('gives every existing webhook the secret it was created with, encrypted under WEBHOOK_SECRETS_KEY', async () => {
    const database = await createTestDatabase();
    const db = createDb(database.url, 2);
    try {
      const secrets = { jwtSecret: randomBytes(32).toString('hex'), urlSigningSecret: 'unused', webhookSecretsKey: randomBytes(32).toString('hex') };
      const before = await migrator(db, secrets).migrateTo('0006_candidate_evidence_and_ocr');
      expect(before.error).toBeUndefined();
      const orgId = newId();
      const hookIds = [newId(), newId()];
      await db.insertInto('organizations').values({ id: orgId, name: 'Before Co' }).execute();
      for (const id of hookIds) {
        // Plain SQL: at 0006 the table has no secret column yet.
        await sql`INSERT INTO webhooks (id, org_id, url, events) VALUES (${id}, ${orgId}, 'https://hooks.example.test/x', ARRAY['file.clean'])`.execute(db);
      }

      await migrateToLatest(db, secrets);

      const rows = await db.selectFrom('webhooks').select(['id', 'secret_ciphertext']).orderBy('id').execute();
      expect(rows.map((row) => row.id).sort()).toEqual([...hookIds].sort());
      const box = new SecretBox(secrets.webhookSecretsKey);
      for (const row of rows) expect(box.open(row.secret_ciphertext, row.id)).toBe(legacySecret(secrets.jwtSecret, row.id));
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
