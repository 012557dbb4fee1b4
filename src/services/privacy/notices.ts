import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { PrivacyNoticesTable } from '../../db/schema.ts';
import { newId } from '../../domain/ids.ts';
import { AppError } from '../../errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { authorizeOrThrow } from '../authorize.ts';
import type { RequestContext } from '../context.ts';

export interface PrivacyNoticeView {
  id: string;
  version: number;
  text: string | null;
  url: string | null;
  created_at: string;
}

const view = (row: Selectable<PrivacyNoticesTable>): PrivacyNoticeView => ({
  id: row.id,
  version: row.version,
  text: row.text,
  url: row.url,
  created_at: row.created_at.toISOString(),
});

interface PrivacyNoticesDeps {
  db: Db;
  audit: AuditLog;
}

/**
 * An organization's privacy notice, in numbered versions that are never changed: publishing a new
 * text or URL makes a new version, the current one. Candidates are shown the current version before
 * they apply, and their application records which one they saw.
 */
export class PrivacyNotices {
  private readonly deps: PrivacyNoticesDeps;

  constructor(deps: PrivacyNoticesDeps) {
    this.deps = deps;
  }

  async publish(ctx: RequestContext, orgId: string, input: { text?: string | null; url?: string | null }): Promise<PrivacyNoticeView> {
    authorizeOrThrow(ctx.actor, 'privacy.manage', { type: 'org_scope', orgId }, 'Organization');
    const text = input.text?.trim() || null;
    const url = input.url?.trim() || null;
    if (!text && !url) throw new AppError(400, 'empty_notice', 'A privacy notice needs a text, a URL, or both.');
    if (url && !/^https?:\/\//i.test(url)) throw new AppError(400, 'invalid_url', 'The notice’s URL must be http(s).');
    const row = await this.deps.db.transaction().execute(async (tx) => {
      // Versions of one organization are numbered in order: the organization row serializes publishers.
      await tx.selectFrom('organizations').select('id').where('id', '=', orgId).forUpdate().executeTakeFirstOrThrow();
      const last = await tx.selectFrom('privacy_notices').select('version').where('org_id', '=', orgId).orderBy('version', 'desc').limit(1).executeTakeFirst();
      const created = await tx
        .insertInto('privacy_notices')
        .values({ id: newId(), org_id: orgId, version: (last?.version ?? 0) + 1, text, url, created_by: ctx.audit.actorId })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.deps.audit.append(tx, ctx.audit, {
        action: 'privacy_notice.published',
        orgId,
        resourceType: 'privacy_notice',
        resourceId: created.id,
        details: { version: created.version },
      });
      return created;
    });
    return view(row);
  }

  /** Every version, newest first. */
  async list(ctx: RequestContext, orgId: string): Promise<PrivacyNoticeView[]> {
    authorizeOrThrow(ctx.actor, 'privacy.manage', { type: 'org_scope', orgId }, 'Organization');
    return (await this.deps.db.selectFrom('privacy_notices').selectAll().where('org_id', '=', orgId).orderBy('version', 'desc').execute()).map(view);
  }

  /** The organization's current version, or null when it has published none. */
  async current(orgId: string): Promise<PrivacyNoticeView | null> {
    const row = await this.deps.db.selectFrom('privacy_notices').selectAll().where('org_id', '=', orgId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? view(row) : null;
  }
}
