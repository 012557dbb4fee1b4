import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { newId } from '../domain/ids.ts';
import { createRuntime } from '../runtime.ts';
import { assertPasswordPolicy } from '../services/auth/accounts.ts';
import { hashPassword } from '../services/auth/passwords.ts';
import type { Command } from './types.ts';

/**
 * The first-run bootstrap: `vitae user create --email … --name … --role recruiter --org "Acme" --admin`.
 * The password comes from stdin with --password-stdin, or is generated and printed once.
 */
export const userCreate: Command = {
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'recruiter' },
    org: { type: 'string' },
    admin: { type: 'boolean', default: false },
    'password-stdin': { type: 'boolean', default: false },
  },
  async run({ config, logger, args }) {
    const email = String(args.email ?? '').trim();
    const role = String(args.role);
    if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || (role !== 'recruiter' && role !== 'candidate')) {
      console.error('Usage: vitae user create --email EMAIL --name NAME --role recruiter|candidate [--org NAME] [--admin] [--password-stdin]');
      return 2;
    }
    if (role === 'recruiter' && !args.org) {
      console.error('A recruiter needs --org (the organization is created if it does not exist).');
      return 2;
    }
    const generated = !args['password-stdin'];
    const password = generated ? randomBytes(18).toString('base64url') : (await text(process.stdin)).replace(/\r?\n$/, '');
    assertPasswordPolicy(password);

    const runtime = await createRuntime(config, logger, { startEmbeddedDatabase: false, migrate: true });
    try {
      const userId = newId();
      await runtime.db.transaction().execute(async (tx) => {
        await tx.insertInto('users').values({ id: userId, email, name: String(args.name ?? email), role: role as 'recruiter' | 'candidate', password_hash: await hashPassword(password), external_subject: null }).execute();
        if (role === 'recruiter') {
          const orgName = String(args.org);
          const existing = await tx.selectFrom('organizations').select('id').where('name', '=', orgName).executeTakeFirst();
          const orgId = existing?.id ?? newId();
          if (!existing) await tx.insertInto('organizations').values({ id: orgId, name: orgName }).execute();
          await tx.insertInto('memberships').values({ user_id: userId, org_id: orgId, org_role: args.admin ? 'admin' : 'member' }).execute();
        }
      });
      console.log(`Created ${role} ${email}${args.org ? ` in ${String(args.org)}${args.admin ? ' (admin)' : ''}` : ''}.`);
      if (generated) console.log(`Password (shown once): ${password}`);
      return 0;
    } finally {
      await runtime.close();
    }
  },
};
