import { CANDIDATE_CATEGORIES } from './categories.ts';

/**
 * The one access policy: "may this actor do this action on this resource?". Every route asks it;
 * none makes its own checks. Pure: the caller loads the resource (and, for a file, which
 * organizations see it through a live application) and passes plain data.
 *
 * 404 or 403 — the rule every refusal follows:
 * - `visible: false` (answer 404, exactly as for an id that does not exist) when the resource
 *   belongs to someone the caller may not know about: another tenant's file, job, candidate,
 *   application, key or organization, another candidate's file, a closed job seen by a job
 *   seeker. A 403 there would confirm that the id exists.
 * - `visible: true` (answer 403) when the caller already knows the resource: it is their own
 *   scope (a candidate calling a recruiter-only route such as `POST /jobs` or `GET /audit`, a
 *   recruiter without an organization), or something they may see but not act on (a member
 *   asking for an admin power, a recruiter deleting a file shared with them, an API key without
 *   the scope).
 * Visibility is decided first, so the answer never depends on the action for a hidden resource.
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

export const SCOPES = [
  'files:read',
  'files:write',
  'scan:write',
  'audit:read',
  'jobs:read',
  'jobs:write',
  'candidates:read',
  'candidates:write',
  'webhooks:write',
  'subjects:write',
] as const;
export type Scope = (typeof SCOPES)[number];

export const ACTIONS = [
  'file.create',
  'file.read',
  'file.download',
  'file.delete',
  'file.erase',
  'file.add_version',
  'file.scan_result',
  'file.rescan',
  'file.access_log',
  'audit.read',
  'org.members.read',
  'org.members.write',
  'org.usage.read',
  'api_key.create',
  'api_key.list',
  'api_key.revoke',
  'quarantine.read',
  'quarantine.delete',
  'webhook.manage',
  'job.create',
  'job.list',
  'job.read',
  'job.update',
  'job.delete',
  'candidate.create',
  'candidate.list',
  'candidate.read',
  'candidate.delete',
  'candidate.update',
  'application.create',
  'application.withdraw',
  'subject_request.manage',
  'privacy.manage',
] as const;
export type Action = (typeof ACTIONS)[number];

export type Resource =
  /** `sharedWithOrgIds`: organizations with a live (not withdrawn, not deleted) application sharing the file. */
  | { type: 'file'; ownerId: string | null; orgId: string | null; sharedWithOrgIds: readonly string[] }
  /** An organization itself, or a collection in it (create, list); `null` is a candidate's own space. */
  | { type: 'org_scope'; orgId: string | null }
  | { type: 'job'; orgId: string; status: 'open' | 'closed' }
  | { type: 'candidate'; orgId: string }
  | { type: 'application'; candidateUserId: string; orgId: string }
  | { type: 'api_key'; orgId: string };

export type Decision = { allowed: true } | { allowed: false; reason: string; visible: boolean };

const ALLOW: Decision = { allowed: true };
const hidden = (reason: string): Decision => ({ allowed: false, visible: false, reason });
const refused = (reason: string): Decision => ({ allowed: false, visible: true, reason });

/** What an actor is to a resource it can see; the rights follow from it. */
type Relation =
  | 'own_file' // a candidate's own file
  | 'org_file' // a file of the recruiter's organization
  | 'org_file_uploaded' // ...that this recruiter uploaded
  | 'shared_file' // a candidate's file shared with the organization by a live application
  | 'own_space' // a candidate's own collections (their files, the open jobs)
  | 'no_org' // a recruiter who belongs to no organization yet
  | 'org' // the actor's organization
  | 'open_job' // an open job, seen by a job seeker
  | 'org_job'
  | 'org_candidate'
  | 'own_application'
  | 'org_application' // an application made to the organization (no rights: only its candidate withdraws it)
  | 'org_api_key';

type Rights = Partial<Record<Relation, readonly Action[]>>;

const ORG_FILE: readonly Action[] = ['file.read', 'file.download', 'file.delete', 'file.add_version'];

/** What every user may do by relation (a candidate's relations are only ever their own things). */
const USER_RIGHTS: Rights = {
  own_file: ['file.read', 'file.download', 'file.delete', 'file.erase', 'file.add_version', 'file.access_log'],
  org_file: ORG_FILE,
  // Erasure and the access log belong to a file's owner (README, "GDPR erasure") — or to an admin, below.
  org_file_uploaded: [...ORG_FILE, 'file.erase', 'file.access_log'],
  // Sharing by applying is read-only: the file stays the candidate's.
  shared_file: ['file.read', 'file.download'],
  own_space: ['file.create', 'file.read', 'job.list'],
  org: ['file.create', 'file.read', 'job.create', 'job.list', 'candidate.create', 'candidate.list', 'org.usage.read'],
  open_job: ['job.read', 'application.create'],
  org_job: ['job.read', 'job.update', 'job.delete', 'candidate.create', 'candidate.list'],
  org_candidate: ['candidate.read', 'candidate.delete', 'candidate.update'],
  own_application: ['application.withdraw'],
};

/** What an organization's admin may do on top. */
const ADMIN_RIGHTS: Rights = {
  org_file: ['file.erase', 'file.access_log', 'file.rescan'],
  org_file_uploaded: ['file.rescan'],
  org: [
    'audit.read',
    'org.members.read',
    'org.members.write',
    'api_key.create',
    'api_key.list',
    'quarantine.read',
    'quarantine.delete',
    'webhook.manage',
    'subject_request.manage',
    'privacy.manage',
  ],
  org_api_key: ['api_key.revoke'],
};

/**
 * What each scope lets an API key do, always within the key's own organization. Keys act for a
 * service, not a person: they never manage people or keys, never apply or withdraw, never see
 * the quarantine, and never erase a file (an irreversible GDPR act is left to the owner or an
 * admin) — except through a subject request, which needs its own scope, `subjects:write`, and a
 * confirmation step. Retention settings and privacy notices are for admins only.
 * `scan:write` covers reporting results and asking for a rescan of the organization's files;
 * candidate-owned files (no organization) are scanned by Vitae's own worker, not by a key.
 */
const KEY_SCOPE: Partial<Record<Action, Scope>> = {
  'file.create': 'files:write',
  'file.read': 'files:read',
  'file.download': 'files:read',
  'file.delete': 'files:write',
  'file.add_version': 'files:write',
  'file.scan_result': 'scan:write',
  'file.rescan': 'scan:write',
  'file.access_log': 'audit:read',
  'audit.read': 'audit:read',
  'org.usage.read': 'files:read',
  'job.create': 'jobs:write',
  'job.list': 'jobs:read',
  'job.read': 'jobs:read',
  'job.update': 'jobs:write',
  'job.delete': 'jobs:write',
  'candidate.create': 'candidates:write',
  'candidate.list': 'candidates:read',
  'candidate.read': 'candidates:read',
  'candidate.delete': 'candidates:write',
  'candidate.update': 'candidates:write',
  'webhook.manage': 'webhooks:write',
  'subject_request.manage': 'subjects:write',
};

/** Where a key may use those actions: its organization's things; files shared with it by an application are read-only. */
const KEY_RIGHTS: Rights = {
  org_file: ['file.read', 'file.download', 'file.delete', 'file.add_version', 'file.scan_result', 'file.rescan', 'file.access_log'],
  shared_file: ['file.read', 'file.download'],
  org: [
    'file.create',
    'file.read',
    'audit.read',
    'webhook.manage',
    'job.create',
    'job.list',
    'candidate.create',
    'candidate.list',
    'subject_request.manage',
    'org.usage.read',
  ],
  org_job: ['job.read', 'job.update', 'job.delete', 'candidate.create', 'candidate.list'],
  org_candidate: ['candidate.read', 'candidate.delete', 'candidate.update'],
};

export function authorize(actor: Actor, action: Action, resource: Resource): Decision {
  const relation = actor.kind === 'user' ? userRelation(actor, resource) : keyRelation(actor, resource);
  if (typeof relation !== 'string') return relation;
  return actor.kind === 'user' ? userRights(actor, action, relation) : keyRights(actor, action, relation);
}

/** Who the user is to the resource, or the 404/403 when they may not see it at all. */
function userRelation(user: UserActor, resource: Resource): Relation | Decision {
  const org = user.role === 'recruiter' ? user.orgId : null;
  switch (resource.type) {
    case 'file':
      if (user.role === 'candidate') return resource.ownerId === user.userId && resource.orgId === null ? 'own_file' : hidden('not your file');
      if (org !== null && resource.orgId === org) return resource.ownerId === user.userId ? 'org_file_uploaded' : 'org_file';
      if (org !== null && resource.sharedWithOrgIds.includes(org)) return 'shared_file';
      return hidden('not a file of your organization');
    case 'org_scope':
      if (resource.orgId === null) return user.role === 'candidate' ? 'own_space' : org === null ? 'no_org' : hidden('not your space');
      return org === resource.orgId ? 'org' : hidden('another organization');
    case 'job':
      if (user.role === 'candidate') return resource.status === 'open' ? 'open_job' : hidden('closed jobs are not public');
      return org === resource.orgId ? 'org_job' : hidden('a job of another organization');
    case 'candidate':
      return org !== null && org === resource.orgId ? 'org_candidate' : hidden('not a candidate of your organization');
    case 'application':
      return user.role === 'candidate' && resource.candidateUserId === user.userId ? 'own_application' : hidden('not your application');
    case 'api_key':
      return org !== null && org === resource.orgId ? 'org_api_key' : hidden('a key of another organization');
  }
}

function userRights(user: UserActor, action: Action, relation: Relation): Decision {
  if (USER_RIGHTS[relation]?.includes(action)) return ALLOW;
  if (ADMIN_RIGHTS[relation]?.includes(action)) return user.role === 'recruiter' && user.orgRole === 'admin' ? ALLOW : refused('organization admins only');
  if (relation === 'no_org') return refused('join an organization first');
  return refused(`${action} is not allowed here`);
}

/**
 * Whether the actor may create a file of this category: candidates only the documents of an
 * application (`CANDIDATE_CATEGORIES`); recruiters and keys any category. Asked after `file.create`.
 */
export function mayUploadCategory(actor: Actor, category: string): Decision {
  if (actor.kind === 'user' && actor.role === 'candidate' && !(CANDIDATE_CATEGORIES as readonly string[]).includes(category)) {
    return refused(`candidates may upload only ${CANDIDATE_CATEGORIES.join(' and ')}`);
  }
  return ALLOW;
}

function keyRelation(key: ApiKeyActor, resource: Resource): Relation | Decision {
  switch (resource.type) {
    case 'file':
      if (resource.orgId === key.orgId) return 'org_file';
      return resource.sharedWithOrgIds.includes(key.orgId) ? 'shared_file' : hidden('not a file of the key’s organization');
    case 'org_scope':
      return resource.orgId === key.orgId ? 'org' : hidden('another organization');
    case 'job':
      return resource.orgId === key.orgId ? 'org_job' : hidden('a job of another organization');
    case 'candidate':
      return resource.orgId === key.orgId ? 'org_candidate' : hidden('a candidate of another organization');
    case 'application':
      // The organization knows the applications made to it; a key still may not act on them.
      return resource.orgId === key.orgId ? 'org_application' : hidden('an application to another organization');
    case 'api_key':
      return resource.orgId === key.orgId ? 'org_api_key' : hidden('a key of another organization');
  }
}

function keyRights(key: ApiKeyActor, action: Action, relation: Relation): Decision {
  const scope = KEY_SCOPE[action];
  if (!scope) return refused(`${action} is not available to API keys`);
  if (!KEY_RIGHTS[relation]?.includes(action)) return refused(relation === 'shared_file' ? 'shared files are read-only' : `${action} is not allowed here`);
  return key.scopes.includes(scope) ? ALLOW : refused(`requires the scope ${scope}`);
}
