import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { AppError } from '../errors.ts';
import { createRuntime } from '../runtime.ts';
import { AuditLog } from '../services/audit/audit-log.ts';
import { DeniedAttempts } from '../services/audit/denied-attempts.ts';
import { Invitations } from '../services/auth/invitations.ts';
import { Accounts } from '../services/auth/accounts.ts';
import type { Command } from './types.ts';

const USAGE = 'Usage: vitae user create --email EMAIL --name NAME --role recruiter|candidate [--org NAME] [--admin] [--password-stdin]';

/**
 * The first-run bootstrap: `vitae user create --email … --name … --role recruiter --org "Acme" --admin`.
 * The organization is created unless one of that name exists. The password comes from stdin with
 * --password-stdin (so that it never shows in the shell history or the process list), or is
 * generated and printed once.
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
    const role = String(args.role);
    if (typeof args.email !== 'string' || (role !== 'recruiter' && role !== 'candidate')) {
      console.error(USAGE);
      return 2;
    }
    if (role === 'recruiter' && typeof args.org !== 'string') {
      console.error('A recruiter needs --org (the organization is created if it does not exist).');
      return 2;
    }
    const generated = !args['password-stdin'];
    const password = generated ? randomBytes(18).toString('base64url') : (await text(process.stdin)).replace(/\r?\n$/, '');

    // Before the first `vitae serve` there is no embedded server to attach to: start it for this command.
    const runtime = await createRuntime(config, logger, { startEmbeddedDatabase: 'unless-running', migrate: true });
    try {
      const audit = new AuditLog(runtime.db);
      const invitations = new Invitations({ db: runtime.db, audit, ttlSeconds: config.auth.invitationTtlSeconds, publicUrl: config.publicUrl });
      const accounts = new Accounts({ db: runtime.db, audit, deniedAttempts: new DeniedAttempts(audit, config.auditDenied), invitations });
      const user = await accounts.createUser({
        email: args.email,
        name: typeof args.name === 'string' ? args.name : args.email,
        role,
        password,
        ...(typeof args.org === 'string' ? { orgName: args.org } : {}),
        admin: args.admin === true,
      });
      console.log(`Created ${user.role} ${user.email}${user.org_name ? ` in ${user.org_name}${user.org_role === 'admin' ? ' (admin)' : ''}` : ''}.`);
      if (generated) console.log(`Password (shown once): ${password}`);
      return 0;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      console.error(`${error.message} (${error.code})`);
      return 1;
    } finally {
      await runtime.close();
    }
  },
};
