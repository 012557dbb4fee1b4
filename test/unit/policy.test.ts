import { describe, expect, it } from 'vitest';
import { ACTIONS, authorize, SCOPES, type Action, type Actor, type Resource } from '../../src/domain/policy.ts';

// Actors. Organization A has a member and an admin; B has an admin. API keys belong to one organization.
const ORG_A = 'org-a';
const ORG_B = 'org-b';
const candidate: Actor = { kind: 'user', userId: 'cand-1', role: 'candidate', orgId: null, orgRole: null };
const otherCandidate: Actor = { kind: 'user', userId: 'cand-2', role: 'candidate', orgId: null, orgRole: null };
const memberA: Actor = { kind: 'user', userId: 'rec-a', role: 'recruiter', orgId: ORG_A, orgRole: 'member' };
const adminA: Actor = { kind: 'user', userId: 'adm-a', role: 'recruiter', orgId: ORG_A, orgRole: 'admin' };
const adminB: Actor = { kind: 'user', userId: 'adm-b', role: 'recruiter', orgId: ORG_B, orgRole: 'admin' };
const noOrgRecruiter: Actor = { kind: 'user', userId: 'rec-x', role: 'recruiter', orgId: null, orgRole: null };
const keyRead: Actor = { kind: 'api_key', keyId: 'k-read', orgId: ORG_A, scopes: ['files:read'] };
const keyWrite: Actor = { kind: 'api_key', keyId: 'k-write', orgId: ORG_A, scopes: ['files:write'] };
const keyScan: Actor = { kind: 'api_key', keyId: 'k-scan', orgId: ORG_A, scopes: ['scan:write', 'audit:read'] };
const keyHiring: Actor = {
  kind: 'api_key',
  keyId: 'k-hiring',
  orgId: ORG_A,
  scopes: ['jobs:read', 'jobs:write', 'candidates:read', 'candidates:write', 'webhooks:write'],
};
const keyAllA: Actor = { kind: 'api_key', keyId: 'k-all-a', orgId: ORG_A, scopes: [...SCOPES] };
const keyAllB: Actor = { kind: 'api_key', keyId: 'k-all-b', orgId: ORG_B, scopes: [...SCOPES] };

// Resources.
const ownFile: Resource = { type: 'file', ownerId: 'cand-1', orgId: null, sharedWithOrgIds: [] };
const sharedWithA: Resource = { type: 'file', ownerId: 'cand-1', orgId: null, sharedWithOrgIds: [ORG_A] };
const sharedWithB: Resource = { type: 'file', ownerId: 'cand-1', orgId: null, sharedWithOrgIds: [ORG_B] };
/** The caller computes shares from live applications only: after a withdrawal the file is shared with nobody. */
const withdrawnFromA: Resource = { type: 'file', ownerId: 'cand-1', orgId: null, sharedWithOrgIds: [] };
const fileOfMemberA: Resource = { type: 'file', ownerId: 'rec-a', orgId: ORG_A, sharedWithOrgIds: [] };
const fileOfAdminA: Resource = { type: 'file', ownerId: 'adm-a', orgId: ORG_A, sharedWithOrgIds: [] };
const fileOfKeyA: Resource = { type: 'file', ownerId: null, orgId: ORG_A, sharedWithOrgIds: [] };
const fileOfB: Resource = { type: 'file', ownerId: 'adm-b', orgId: ORG_B, sharedWithOrgIds: [] };
const ownSpace: Resource = { type: 'org_scope', orgId: null };
const orgA: Resource = { type: 'org_scope', orgId: ORG_A };
const orgB: Resource = { type: 'org_scope', orgId: ORG_B };
const openJobA: Resource = { type: 'job', orgId: ORG_A, status: 'open' };
const closedJobA: Resource = { type: 'job', orgId: ORG_A, status: 'closed' };
const openJobB: Resource = { type: 'job', orgId: ORG_B, status: 'open' };
const candidateA: Resource = { type: 'candidate', orgId: ORG_A };
const candidateB: Resource = { type: 'candidate', orgId: ORG_B };
const applicationToA: Resource = { type: 'application', candidateUserId: 'cand-1', orgId: ORG_A };
const keyOfA: Resource = { type: 'api_key', orgId: ORG_A };
const keyOfB: Resource = { type: 'api_key', orgId: ORG_B };

type Expected = 'allow' | 403 | 404;

/**
 * One table: who, does what, on what → allow, 403 (may know the resource, may not do this) or
 * 404 (may not know it exists).
 */
const CASES: Array<[string, Actor, Action, Resource, Expected]> = [
  // ── A candidate and their own files: full control.
  ['candidate uploads into own space', candidate, 'file.create', ownSpace, 'allow'],
  ['candidate lists own files', candidate, 'file.read', ownSpace, 'allow'],
  ['candidate reads own file', candidate, 'file.read', ownFile, 'allow'],
  ['candidate downloads own file', candidate, 'file.download', ownFile, 'allow'],
  ['candidate deletes own file', candidate, 'file.delete', ownFile, 'allow'],
  ['candidate erases own file', candidate, 'file.erase', ownFile, 'allow'],
  ['candidate adds a version', candidate, 'file.add_version', ownFile, 'allow'],
  ['candidate reads own access log', candidate, 'file.access_log', ownFile, 'allow'],
  ['candidate keeps control of a file they shared', candidate, 'file.erase', sharedWithA, 'allow'],
  ['candidate cannot report scan results', candidate, 'file.scan_result', ownFile, 403],
  ['candidate cannot request rescans', candidate, 'file.rescan', ownFile, 403],
  // ── ...and nothing of anyone else's.
  ['another candidate cannot see it', otherCandidate, 'file.read', ownFile, 404],
  ['another candidate cannot download it', otherCandidate, 'file.download', ownFile, 404],
  ['another candidate cannot delete it', otherCandidate, 'file.delete', ownFile, 404],
  ['another candidate cannot erase it', otherCandidate, 'file.erase', ownFile, 404],
  ['another candidate cannot read its access log', otherCandidate, 'file.access_log', ownFile, 404],
  ['another candidate cannot see a shared file either', otherCandidate, 'file.read', sharedWithA, 404],
  ['candidate cannot see org files', candidate, 'file.read', fileOfMemberA, 404],
  ['candidate cannot delete org files', candidate, 'file.delete', fileOfMemberA, 404],
  // ── A candidate on recruiter and admin routes of their own scope: 403, never a hint about others.
  ['candidate cannot create jobs', candidate, 'job.create', ownSpace, 403],
  ['candidate cannot list candidates', candidate, 'candidate.list', ownSpace, 403],
  ['candidate cannot read any audit trail', candidate, 'audit.read', ownSpace, 403],
  ['candidate cannot create API keys', candidate, 'api_key.create', ownSpace, 403],
  ['candidate cannot see the quarantine', candidate, 'quarantine.read', ownSpace, 403],
  ['candidate cannot manage webhooks', candidate, 'webhook.manage', ownSpace, 403],
  ['candidate lists open jobs', candidate, 'job.list', ownSpace, 'allow'],
  // ── A candidate and another tenant's ids: 404.
  ['candidate cannot list an organization’s members', candidate, 'org.members.read', orgA, 404],
  ['candidate cannot create a job in an organization', candidate, 'job.create', orgA, 404],
  ['candidate cannot see a candidate record', candidate, 'candidate.read', candidateA, 404],
  ['candidate cannot revoke a key', candidate, 'api_key.revoke', keyOfA, 404],
  // ── Jobs as seen by a job seeker.
  ['candidate reads an open job of A', candidate, 'job.read', openJobA, 'allow'],
  ['candidate reads an open job of B', candidate, 'job.read', openJobB, 'allow'],
  ['candidate cannot see a closed job', candidate, 'job.read', closedJobA, 404],
  ['candidate cannot update a job', candidate, 'job.update', openJobA, 403],
  ['candidate cannot delete a job', candidate, 'job.delete', openJobA, 403],
  ['candidate cannot add candidates to a job', candidate, 'candidate.create', openJobA, 403],
  ['candidate cannot list a job’s candidates', candidate, 'candidate.list', openJobA, 403],
  ['candidate applies to an open job', candidate, 'application.create', openJobA, 'allow'],
  ['candidate cannot apply to a closed job', candidate, 'application.create', closedJobA, 404],
  // ── Applications.
  ['candidate withdraws own application', candidate, 'application.withdraw', applicationToA, 'allow'],
  ['another candidate cannot withdraw it', otherCandidate, 'application.withdraw', applicationToA, 404],
  ['the organization’s recruiter cannot withdraw it', memberA, 'application.withdraw', applicationToA, 404],
  ['the organization’s admin cannot withdraw it', adminA, 'application.withdraw', applicationToA, 404],

  // ── A recruiter and their organization's files.
  ['member uploads into the org', memberA, 'file.create', orgA, 'allow'],
  ['member lists the org’s files', memberA, 'file.read', orgA, 'allow'],
  ['member reads an org file', memberA, 'file.read', fileOfAdminA, 'allow'],
  ['member downloads an org file', memberA, 'file.download', fileOfAdminA, 'allow'],
  ['member deletes an org file', memberA, 'file.delete', fileOfAdminA, 'allow'],
  ['member versions an org file', memberA, 'file.add_version', fileOfAdminA, 'allow'],
  ['member reads a file a service uploaded', memberA, 'file.read', fileOfKeyA, 'allow'],
  ['member erases own upload', memberA, 'file.erase', fileOfMemberA, 'allow'],
  ['member reads own upload’s access log', memberA, 'file.access_log', fileOfMemberA, 'allow'],
  ['member cannot erase a colleague’s file', memberA, 'file.erase', fileOfAdminA, 403],
  ['member cannot read a colleague’s access log', memberA, 'file.access_log', fileOfAdminA, 403],
  ['member cannot request rescans', memberA, 'file.rescan', fileOfMemberA, 403],
  ['member cannot report scan results', memberA, 'file.scan_result', fileOfMemberA, 403],
  ['admin erases any org file', adminA, 'file.erase', fileOfMemberA, 'allow'],
  ['admin reads any org file’s access log', adminA, 'file.access_log', fileOfMemberA, 'allow'],
  ['admin requests rescans', adminA, 'file.rescan', fileOfMemberA, 'allow'],
  ['admin requests a rescan of own upload', adminA, 'file.rescan', fileOfAdminA, 'allow'],
  ['admin cannot report scan results', adminA, 'file.scan_result', fileOfMemberA, 403],
  // ── Other organizations' files.
  ['admin of B cannot see A’s file', adminB, 'file.read', fileOfMemberA, 404],
  ['admin of B cannot delete A’s file', adminB, 'file.delete', fileOfMemberA, 404],
  ['admin of B cannot erase A’s file', adminB, 'file.erase', fileOfMemberA, 404],
  ['admin of B cannot read A’s access log', adminB, 'file.access_log', fileOfMemberA, 404],
  ['member of A cannot see B’s file', memberA, 'file.download', fileOfB, 404],
  ['recruiter cannot see an unshared candidate file', memberA, 'file.read', ownFile, 404],
  // ── Files shared by a live application: read and download only.
  ['member reads a shared file', memberA, 'file.read', sharedWithA, 'allow'],
  ['member downloads a shared file', memberA, 'file.download', sharedWithA, 'allow'],
  ['admin downloads a shared file', adminA, 'file.download', sharedWithA, 'allow'],
  ['member cannot delete a shared file', memberA, 'file.delete', sharedWithA, 403],
  ['member cannot version a shared file', memberA, 'file.add_version', sharedWithA, 403],
  ['admin cannot erase a shared file', adminA, 'file.erase', sharedWithA, 403],
  ['admin cannot read a shared file’s access log', adminA, 'file.access_log', sharedWithA, 403],
  ['admin cannot rescan a shared file', adminA, 'file.rescan', sharedWithA, 403],
  ['another org does not see a file shared with A', adminB, 'file.read', sharedWithA, 404],
  ['A does not see a file shared with B', memberA, 'file.read', sharedWithB, 404],
  ['withdrawn: A no longer reads it', memberA, 'file.read', withdrawnFromA, 404],
  ['withdrawn: A no longer downloads it', adminA, 'file.download', withdrawnFromA, 404],
  // ── Organization administration.
  ['admin reads the audit trail', adminA, 'audit.read', orgA, 'allow'],
  ['member cannot read the audit trail', memberA, 'audit.read', orgA, 403],
  ['admin lists members', adminA, 'org.members.read', orgA, 'allow'],
  ['member cannot list members', memberA, 'org.members.read', orgA, 403],
  ['admin adds members', adminA, 'org.members.write', orgA, 'allow'],
  ['member cannot add members', memberA, 'org.members.write', orgA, 403],
  ['admin of B cannot list A’s members', adminB, 'org.members.read', orgA, 404],
  ['admin of B cannot add members to A', adminB, 'org.members.write', orgA, 404],
  ['admin creates API keys', adminA, 'api_key.create', orgA, 'allow'],
  ['admin lists API keys', adminA, 'api_key.list', orgA, 'allow'],
  ['member cannot create API keys', memberA, 'api_key.create', orgA, 403],
  ['admin revokes the org’s key', adminA, 'api_key.revoke', keyOfA, 'allow'],
  ['member cannot revoke the org’s key', memberA, 'api_key.revoke', keyOfA, 403],
  ['admin of A cannot revoke B’s key', adminA, 'api_key.revoke', keyOfB, 404],
  ['admin reads the quarantine', adminA, 'quarantine.read', orgA, 'allow'],
  ['admin purges the quarantine', adminA, 'quarantine.delete', orgA, 'allow'],
  ['member cannot purge the quarantine', memberA, 'quarantine.delete', orgA, 403],
  ['admin of B cannot see A’s quarantine', adminB, 'quarantine.read', orgA, 404],
  ['admin manages webhooks', adminA, 'webhook.manage', orgA, 'allow'],
  ['member cannot manage webhooks', memberA, 'webhook.manage', orgA, 403],
  ['admin of A cannot read B’s audit trail', adminA, 'audit.read', orgB, 404],
  // ── Jobs and candidates of the recruiter's organization: all of it, members included.
  ['member creates jobs', memberA, 'job.create', orgA, 'allow'],
  ['member lists jobs', memberA, 'job.list', orgA, 'allow'],
  ['member reads a closed job of the org', memberA, 'job.read', closedJobA, 'allow'],
  ['member updates an org job', memberA, 'job.update', openJobA, 'allow'],
  ['member deletes an org job', memberA, 'job.delete', closedJobA, 'allow'],
  ['member adds candidates to an org job', memberA, 'candidate.create', openJobA, 'allow'],
  ['member lists a job’s candidates', memberA, 'candidate.list', openJobA, 'allow'],
  ['member reads an org candidate', memberA, 'candidate.read', candidateA, 'allow'],
  ['member deletes an org candidate', memberA, 'candidate.delete', candidateA, 'allow'],
  ['recruiter cannot apply to own org’s job', memberA, 'application.create', openJobA, 403],
  ['admin of B cannot see A’s open job', adminB, 'job.read', openJobA, 404],
  ['admin of B cannot update A’s job', adminB, 'job.update', openJobA, 404],
  ['admin of B cannot apply to A’s job', adminB, 'application.create', openJobA, 404],
  ['admin of B cannot create jobs in A', adminB, 'job.create', orgA, 404],
  ['admin of B cannot see A’s candidate', adminB, 'candidate.read', candidateA, 404],
  ['member of A cannot delete B’s candidate', memberA, 'candidate.delete', candidateB, 404],
  // ── A recruiter without an organization: their own scope, so 403.
  ['recruiter without an org cannot create jobs', noOrgRecruiter, 'job.create', ownSpace, 403],
  ['recruiter without an org cannot upload', noOrgRecruiter, 'file.create', ownSpace, 403],
  ['recruiter without an org cannot see A', noOrgRecruiter, 'job.read', openJobA, 404],
  ['recruiter without an org cannot see a candidate file', noOrgRecruiter, 'file.read', ownFile, 404],

  // ── API keys: the organization first (404), then the scope (403).
  ['files:read key lists org files', keyRead, 'file.read', orgA, 'allow'],
  ['files:read key reads an org file', keyRead, 'file.read', fileOfMemberA, 'allow'],
  ['files:read key downloads an org file', keyRead, 'file.download', fileOfMemberA, 'allow'],
  ['files:read key reads a file shared with its org', keyRead, 'file.read', sharedWithA, 'allow'],
  ['files:read key downloads a file shared with its org', keyRead, 'file.download', sharedWithA, 'allow'],
  ['files:read key no longer reads a withdrawn file', keyRead, 'file.read', withdrawnFromA, 404],
  ['files:read key cannot see a candidate-only file', keyRead, 'file.read', ownFile, 404],
  ['files:read key cannot delete', keyRead, 'file.delete', fileOfMemberA, 403],
  ['files:read key cannot upload', keyRead, 'file.create', orgA, 403],
  ['files:read key cannot read the audit trail', keyRead, 'audit.read', orgA, 403],
  ['files:write key uploads', keyWrite, 'file.create', orgA, 'allow'],
  ['files:write key deletes an org file', keyWrite, 'file.delete', fileOfKeyA, 'allow'],
  ['files:write key versions an org file', keyWrite, 'file.add_version', fileOfMemberA, 'allow'],
  ['files:write key cannot read', keyWrite, 'file.read', fileOfMemberA, 403],
  ['files:write key never erases', keyWrite, 'file.erase', fileOfKeyA, 403],
  ['files:write key cannot delete a shared file', keyAllA, 'file.delete', sharedWithA, 403],
  ['scan key reports scan results on org files', keyScan, 'file.scan_result', fileOfMemberA, 'allow'],
  ['scan key requests rescans of org files', keyScan, 'file.rescan', fileOfKeyA, 'allow'],
  ['scan key cannot report on shared files', keyScan, 'file.scan_result', sharedWithA, 403],
  ['scan key cannot see candidate-owned files', keyScan, 'file.scan_result', ownFile, 404],
  ['scan key cannot download', keyScan, 'file.download', fileOfMemberA, 403],
  ['audit key reads the audit trail', keyScan, 'audit.read', orgA, 'allow'],
  ['audit key reads a file’s access log', keyScan, 'file.access_log', fileOfMemberA, 'allow'],
  ['audit key cannot read a shared file’s access log', keyScan, 'file.access_log', sharedWithA, 403],
  ['hiring key creates jobs', keyHiring, 'job.create', orgA, 'allow'],
  ['hiring key reads a closed org job', keyHiring, 'job.read', closedJobA, 'allow'],
  ['hiring key updates an org job', keyHiring, 'job.update', openJobA, 'allow'],
  ['hiring key adds candidates', keyHiring, 'candidate.create', openJobA, 'allow'],
  ['hiring key reads a candidate', keyHiring, 'candidate.read', candidateA, 'allow'],
  ['hiring key deletes a candidate', keyHiring, 'candidate.delete', candidateA, 'allow'],
  ['hiring key manages webhooks', keyHiring, 'webhook.manage', orgA, 'allow'],
  ['hiring key cannot read files', keyHiring, 'file.read', fileOfMemberA, 403],
  ['files-only key cannot read candidates', keyRead, 'candidate.read', candidateA, 403],
  ['key never applies for a candidate', keyAllA, 'application.create', openJobA, 403],
  ['key never withdraws an application', keyAllA, 'application.withdraw', applicationToA, 403],
  ['key cannot create keys', keyAllA, 'api_key.create', orgA, 403],
  ['key cannot revoke keys', keyAllA, 'api_key.revoke', keyOfA, 403],
  ['key cannot list members', keyAllA, 'org.members.read', orgA, 403],
  ['key cannot add members', keyAllA, 'org.members.write', orgA, 403],
  ['key cannot see the quarantine', keyAllA, 'quarantine.read', orgA, 403],
  ['key of B cannot see A’s file', keyAllB, 'file.read', fileOfMemberA, 404],
  ['key of B cannot report on A’s file', keyAllB, 'file.scan_result', fileOfMemberA, 404],
  ['key of B cannot erase A’s file', keyAllB, 'file.erase', fileOfMemberA, 404],
  ['key of B cannot see a file shared with A', keyAllB, 'file.read', sharedWithA, 404],
  ['key of B cannot see A’s job', keyAllB, 'job.read', openJobA, 404],
  ['key of B cannot create jobs in A', keyAllB, 'job.create', orgA, 404],
  ['key of B cannot see A’s candidate', keyAllB, 'candidate.read', candidateA, 404],
  ['key of B cannot revoke A’s key', keyAllB, 'api_key.revoke', keyOfA, 404],
  ['key of B cannot withdraw an application to A', keyAllB, 'application.withdraw', applicationToA, 404],
  ['key of B cannot act in the candidate space', keyAllB, 'file.create', ownSpace, 404],
];

// Subject requests and privacy settings: admins, and for subject requests a key with `subjects:write`.
CASES.push(
  ['admin files a subject request', adminA, 'subject_request.manage', orgA, 'allow'],
  ['member cannot file a subject request', memberA, 'subject_request.manage', orgA, 403],
  ['candidate cannot file a subject request', candidate, 'subject_request.manage', ownSpace, 403],
  ['admin of B cannot see subject requests of A', adminB, 'subject_request.manage', orgA, 404],
  ['key with subjects:write files a subject request', keyAllA, 'subject_request.manage', orgA, 'allow'],
  ['key without subjects:write cannot', keyHiring, 'subject_request.manage', orgA, 403],
  ['key of B cannot see subject requests of A', keyAllB, 'subject_request.manage', orgA, 404],
  ['admin manages retention and notices', adminA, 'privacy.manage', orgA, 'allow'],
  ['member cannot manage retention and notices', memberA, 'privacy.manage', orgA, 403],
  ['no key manages retention and notices', keyAllA, 'privacy.manage', orgA, 403],
);

const outcome = (actor: Actor, action: Action, resource: Resource): Expected => {
  const decision = authorize(actor, action, resource);
  return decision.allowed ? 'allow' : decision.visible ? 403 : 404;
};

describe('the access policy', () => {
  it('has one row per question', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map(([name]) => name)).size).toBe(CASES.length);
  });

  it.each(CASES)('%s', (_name, actor, action, resource, expected) => {
    expect(outcome(actor, action, resource)).toBe(expected);
  });

  // Whatever the action, a hidden resource stays hidden: the answer may not depend on what was asked.
  it.each([
    ['another candidate', otherCandidate, ownFile],
    ['admin of B', adminB, fileOfMemberA],
    ['admin of B', adminB, orgA],
    ['admin of B', adminB, candidateA],
    ['a job seeker', candidate, closedJobA],
    ['key of B', keyAllB, fileOfMemberA],
    ['key of B', keyAllB, orgA],
  ] as const)('%s gets 404 for every action on %j', (_name, actor, resource) => {
    for (const action of ACTIONS) expect([action, outcome(actor, action, resource)]).toEqual([action, 404]);
  });

  it('gives every refusal a reason', () => {
    for (const [, actor, action, resource] of CASES) {
      const decision = authorize(actor, action, resource);
      if (!decision.allowed) expect(decision.reason).not.toBe('');
    }
  });
});
