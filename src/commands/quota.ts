import { createRuntime } from '../runtime.ts';
import { createServices } from '../services/index.ts';
import type { Command } from './types.ts';

const USAGE = 'Usage: vitae quota ORG_ID [--bytes N|default] [--uploads-per-hour N|default]';

/**
 * `vitae quota ORG_ID --bytes 10737418240 --uploads-per-hour 500`: an organization's own quotas,
 * over the configured defaults (0: unlimited; `default`: back to QUOTA_ORG_*). Without options,
 * prints the organization's usage and limits.
 */
export const quota: Command = {
  options: { bytes: { type: 'string' }, 'uploads-per-hour': { type: 'string' } },
  positionals: 1,
  async run({ config, logger, args, positionals }) {
    const orgId = positionals[0]!;
    const bytes = parseLimit(args.bytes);
    const uploads = parseLimit(args['uploads-per-hour']);
    if (bytes === 'invalid' || uploads === 'invalid' || !/^[0-9a-f-]{36}$/i.test(orgId)) {
      console.error(USAGE);
      return 2;
    }
    const runtime = await createRuntime(config, logger, { startEmbeddedDatabase: 'unless-running', migrate: false });
    try {
      const { db } = runtime;
      const org = await db.selectFrom('organizations').select('id').where('id', '=', orgId).executeTakeFirst();
      if (!org) {
        console.error(`No organization ${orgId}.`);
        return 1;
      }
      if (bytes !== undefined || uploads !== undefined) {
        const values = {
          ...(bytes !== undefined ? { max_bytes: bytes } : {}),
          ...(uploads !== undefined ? { max_uploads_per_hour: uploads } : {}),
        };
        await db
          .insertInto('org_quotas')
          .values({ org_id: orgId, ...values })
          .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_at: new Date() }))
          .execute();
      }
      const usage = await createServices(runtime).quotas.usage({ kind: 'organization', orgId });
      const show = (limit: number | null) => (limit === null ? 'unlimited' : String(limit));
      console.log(
        `Storage: ${usage.storage.used_bytes} bytes used of ${show(usage.storage.limit_bytes)} (${usage.storage.files} files, ${usage.storage.versions} versions)`,
      );
      console.log(`Uploads: ${usage.uploads.used} this hour of ${show(usage.uploads.limit_per_hour)} per hour`);
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

/** A limit from the command line: a whole number (0: unlimited), `default` (null: the configured default), or absent. */
function parseLimit(raw: string | boolean | undefined): number | null | undefined | 'invalid' {
  if (raw === undefined) return undefined;
  if (raw === 'default') return null;
  const value = Number(raw);
  return typeof raw === 'string' && /^\d+$/.test(raw) && Number.isSafeInteger(value) ? value : 'invalid';
}
