import type { Db } from '../../db/database.ts';
import type { Actor } from '../../domain/policy.ts';
import type { DownloadGrant } from '../../storage/blob-store.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { FileAccess } from './access.ts';

/** Who a download URL is issued to, signed into the URL: the caller and the organization it acted for. */
export function grantFor(actor: Actor, fileId: string): DownloadGrant {
  return { fileId, grantee: actor.kind === 'user' ? `user:${actor.userId}` : `key:${actor.keyId}`, orgId: actor.orgId };
}

interface DownloadGrantsDeps {
  db: Db;
  access: FileAccess;
  audit: AuditLog;
}

/**
 * Whether a local download URL may still be served when it is used, not only when it was issued:
 * the file is live, the version behind the URL is still clean, and the grantee — as they stand now
 * (their organization, the key not revoked) — would still be allowed to download it (for a file
 * shared by an application, the application is still live). A withdrawn application, a deleted
 * file or a revoked key ends the URLs already handed out. A few lookups by primary or unique key.
 */
export class DownloadGrants {
  private readonly deps: DownloadGrantsDeps;
  constructor(deps: DownloadGrantsDeps) {
    this.deps = deps;
  }

  async holds(grant: DownloadGrant, storageKey: string, context: Omit<AuditContext, 'actorId' | 'actorType'>): Promise<boolean> {
    const [actor, file] = await Promise.all([this.currentActor(grant.grantee), this.liveFile(grant.fileId, storageKey)]);
    if (!file) return false;
    const decision = actor && actor.orgId === grant.orgId ? await this.deps.access.decide(actor, file, 'file.download') : null;
    if (decision?.allowed) return true;
    const [actorType, actorId = null] = grant.grantee.split(':') as ['user' | 'key', string | undefined];
    await this.deps.audit.denied(
      { ...context, actorId, actorType: actorType === 'key' ? 'api_key' : 'user' },
      {
        action: 'file.download_url_refused',
        orgId: file.org_id,
        fileId: file.id,
        subjectUserId: file.owner_id,
        details: { reason: decision?.reason ?? 'the grantee no longer holds this access' },
      },
    );
    return false;
  }

  /** The file of the URL, when it is live and the version under the key is clean. */
  private liveFile(fileId: string, storageKey: string) {
    return this.deps.db
      .selectFrom('file_versions')
      .innerJoin('files', 'files.id', 'file_versions.file_id')
      .select(['files.id', 'files.owner_id', 'files.org_id'])
      .where('file_versions.storage_key', '=', storageKey)
      .where('file_versions.file_id', '=', fileId)
      .where('file_versions.status', '=', 'clean')
      .where('files.deleted_at', 'is', null)
      .executeTakeFirst();
  }

  private async currentActor(grantee: string): Promise<Actor | null> {
    const [kind, id] = grantee.split(':');
    if (!id) return null;
    if (kind === 'key') {
      const key = await this.deps.db
        .selectFrom('api_keys')
        .select(['id', 'org_id', 'scopes'])
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return key ? { kind: 'api_key', keyId: key.id, orgId: key.org_id, scopes: key.scopes } : null;
    }
    if (kind !== 'user') return null;
    const user = await this.deps.db
      .selectFrom('users')
      .leftJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.id', 'users.role', 'memberships.org_id', 'memberships.org_role'])
      .where('users.id', '=', id)
      .executeTakeFirst();
    return user ? { kind: 'user', userId: user.id, role: user.role, orgId: user.org_id, orgRole: user.org_role } : null;
  }
}
