/**
 * The one access policy: "may this actor do this action on this resource?". Every route asks it;
 * none makes its own checks. Pure: the caller loads the resource (and, for a file, which
 * organizations see it through a live application) and passes plain data.
 *
 * 404 or 403: a refusal is `visible: false` (answer 404, as if the resource did not exist) when the
 * caller may not even know it exists — anything of another tenant. It is `visible: true` (403) when
 * the caller can see the resource, or it is their own scope, but may not perform this action.
 */
export interface UserActor {
  kind: 'user';
  userId: string;
  role: 'candidate' | 'recruiter';
  orgId: string | null;
  orgRole: 'admin' | 'member' | null;
}

export interface ApiKeyActor {
  kind: 'api_key';
  keyId: string;
  orgId: string;
  scopes: readonly string[];
}

export type Actor = UserActor | ApiKeyActor;

export const SCOPES = ['files:read', 'files:write', 'scan:write', 'audit:read', 'jobs:read', 'jobs:write', 'candidates:read', 'candidates:write', 'webhooks:write'] as const;
export type Scope = (typeof SCOPES)[number];

export type FileAction = 'file.create' | 'file.read' | 'file.download' | 'file.delete' | 'file.erase' | 'file.add_version' | 'file.scan_result' | 'file.rescan' | 'file.access_log';
export type OrgAction = 'audit.read' | 'org.members.read' | 'org.members.write' | 'api_key.create' | 'api_key.list' | 'api_key.revoke' | 'quarantine.read' | 'quarantine.delete' | 'webhook.manage';
export type JobAction = 'job.create' | 'job.list' | 'job.read' | 'job.update' | 'job.delete';
export type CandidateAction = 'candidate.create' | 'candidate.list' | 'candidate.read' | 'candidate.delete';
export type ApplicationAction = 'application.create' | 'application.withdraw';
export type Action = FileAction | OrgAction | JobAction | CandidateAction | ApplicationAction;

export type Resource =
  | { type: 'file'; ownerId: string | null; orgId: string | null; sharedWithOrgIds: readonly string[] }
  /** An organization itself, or a collection in it (create, list); `null` is a candidate's own space. */
  | { type: 'org_scope'; orgId: string | null }
  | { type: 'job'; orgId: string; status: 'open' | 'closed' }
  | { type: 'candidate'; orgId: string }
  | { type: 'application'; candidateUserId: string; orgId: string }
  | { type: 'api_key'; orgId: string };

export type Decision = { allowed: true } | { allowed: false; visible: boolean; reason: string };

const ALLOW: Decision = { allowed: true };
const hidden = (reason: string): Decision => ({ allowed: false, visible: false, reason });
const refused = (reason: string): Decision => ({ allowed: false, visible: true, reason });

/** What each scope lets an API key do (within its own organization). */
const SCOPE_FOR: Partial<Record<Action, Scope>> = {
  'file.create': 'files:write',
  'file.read': 'files:read',
  'file.download': 'files:read',
  'file.delete': 'files:write',
  'file.erase': 'files:write',
  'file.add_version': 'files:write',
  'file.scan_result': 'scan:write',
  'file.rescan': 'scan:write',
  'file.access_log': 'audit:read',
  'audit.read': 'audit:read',
  'job.create': 'jobs:write',
  'job.list': 'jobs:read',
  'job.read': 'jobs:read',
  'job.update': 'jobs:write',
  'job.delete': 'jobs:write',
  'candidate.create': 'candidates:write',
  'candidate.list': 'candidates:read',
  'candidate.read': 'candidates:read',
  'candidate.delete': 'candidates:write',
  'webhook.manage': 'webhooks:write',
};

/** Org powers that only an organization's admin has (API keys never: they cannot mint keys or add people). */
const ADMIN_ONLY: ReadonlySet<Action> = new Set<Action>(['audit.read', 'org.members.read', 'org.members.write', 'api_key.create', 'api_key.list', 'api_key.revoke', 'quarantine.read', 'quarantine.delete', 'webhook.manage', 'file.rescan']);
const PEOPLE_ONLY: ReadonlySet<Action> = new Set<Action>(['org.members.read', 'org.members.write', 'api_key.create', 'api_key.list', 'api_key.revoke', 'quarantine.read', 'quarantine.delete', 'application.create', 'application.withdraw']);

export function authorize(actor: Actor, action: Action, resource: Resource): Decision {
  return actor.kind === 'api_key' ? authorizeApiKey(actor, action, resource) : authorizeUser(actor, action, resource);
}

function authorizeApiKey(key: ApiKeyActor, action: Action, resource: Resource): Decision {
  const orgIds = resourceOrgs(resource);
  if (!orgIds.includes(key.orgId)) return hidden('another organization');
  if (PEOPLE_ONLY.has(action)) return refused('not for API keys');
  const scope = SCOPE_FOR[action];
  if (!scope || !key.scopes.includes(scope)) return refused(`requires scope ${scope ?? 'none available'}`);
  // A file seen through an application is read-only, and only an external scanner's own org's files may be reported on.
  if (resource.type === 'file' && resource.orgId !== key.orgId && !['file.read', 'file.download'].includes(action)) return refused('shared files are read-only');
  return ALLOW;
}

function authorizeUser(user: UserActor, action: Action, resource: Resource): Decision {
  switch (resource.type) {
    case 'file':
      return user.role === 'candidate' ? candidateOnFile(user, action, resource) : recruiterOnFile(user, action, resource);
    case 'org_scope':
      return userOnOrgScope(user, action, resource.orgId);
    case 'job':
      return userOnJob(user, action, resource);
    case 'candidate':
      if (user.role !== 'recruiter' || user.orgId !== resource.orgId) return hidden('not a candidate of your organization');
      return action.startsWith('candidate.') ? ALLOW : refused('not an action on candidates');
    case 'application':
      if (user.userId === resource.candidateUserId) return action === 'application.withdraw' ? ALLOW : refused('not an action on applications');
      return hidden('not your application');
    case 'api_key':
      if (user.orgId !== resource.orgId) return hidden('another organization');
      return user.orgRole === 'admin' && (action === 'api_key.revoke' || action === 'api_key.list') ? ALLOW : refused('organization admins only');
  }
}

type FileResource = Extract<Resource, { type: 'file' }>;

function candidateOnFile(user: UserActor, action: Action, file: FileResource): Decision {
  if (file.ownerId !== user.userId || file.orgId !== null) return hidden('not your file');
  const own: Action[] = ['file.create', 'file.read', 'file.download', 'file.delete', 'file.erase', 'file.add_version', 'file.access_log'];
  return own.includes(action) ? ALLOW : refused('not allowed on your own files');
}

function recruiterOnFile(user: UserActor, action: Action, file: FileResource): Decision {
  const isAdmin = user.orgRole === 'admin';
  if (user.orgId !== null && file.orgId === user.orgId) {
    switch (action) {
      case 'file.create':
      case 'file.read':
      case 'file.download':
      case 'file.delete':
      case 'file.add_version':
        return ALLOW;
      case 'file.erase':
      case 'file.access_log':
        return isAdmin || file.ownerId === user.userId ? ALLOW : refused('the file’s owner or an organization admin only');
      case 'file.rescan':
        return isAdmin ? ALLOW : refused('organization admins only');
      default:
        return refused('not allowed on files');
    }
  }
  if (user.orgId !== null && file.sharedWithOrgIds.includes(user.orgId)) {
    return action === 'file.read' || action === 'file.download' ? ALLOW : refused('shared files are read-only');
  }
  return hidden('not a file of your organization');
}

function userOnOrgScope(user: UserActor, action: Action, orgId: string | null): Decision {
  if (orgId === null) {
    // A candidate's own space: their files, applications and the open jobs.
    if (user.role === 'candidate') return ['file.create', 'file.read', 'job.list', 'application.create'].includes(action) ? ALLOW : refused('not for candidates');
    return hidden('no such organization');
  }
  if (user.orgId !== orgId) return hidden('another organization');
  if (ADMIN_ONLY.has(action)) return user.orgRole === 'admin' ? ALLOW : refused('organization admins only');
  if (action === 'application.create' || action === 'application.withdraw') return refused('for candidates only');
  return ALLOW;
}

function userOnJob(user: UserActor, action: Action, job: Extract<Resource, { type: 'job' }>): Decision {
  if (user.role === 'candidate') {
    if (job.status !== 'open') return hidden('closed jobs are not listed');
    return action === 'job.read' || action === 'application.create' ? ALLOW : refused('for the job’s recruiters only');
  }
  if (user.orgId !== job.orgId) return hidden('a job of another organization');
  if (action === 'application.create') return refused('for candidates only');
  return action.startsWith('job.') || action.startsWith('candidate.') ? ALLOW : refused('not an action on jobs');
}

/** The organizations a resource belongs to or is shared with (what an API key's organization must be among). */
function resourceOrgs(resource: Resource): readonly (string | null)[] {
  switch (resource.type) {
    case 'file':
      return [resource.orgId, ...resource.sharedWithOrgIds];
    default:
      return [resource.orgId];
  }
}
