import { describe, expect, it } from 'vitest';
import { authorize, type Action, type Actor, type Resource } from '../../src/domain/policy.ts';

const ORG_A = 'org-a';
const ORG_B = 'org-b';
const candidate: Actor = { kind: 'user', userId: 'cand-1', role: 'candidate', orgId: null, orgRole: null };
const otherCandidate: Actor = { kind: 'user', userId: 'cand-2', role: 'candidate', orgId: null, orgRole: null };
const recruiterA: Actor = { kind: 'user', userId: 'rec-a', role: 'recruiter', orgId: ORG_A, orgRole: 'member' };
const adminA: Actor = { kind: 'user', userId: 'adm-a', role: 'recruiter', orgId: ORG_A, orgRole: 'admin' };
const adminB: Actor = { kind: 'user', userId: 'adm-b', role: 'recruiter', orgId: ORG_B, orgRole: 'admin' };
const keyRead: Actor = { kind: 'api_key', keyId: 'k1', orgId: ORG_A, scopes: ['files:read'] };
const keyScan: Actor = { kind: 'api_key', keyId: 'k2', orgId: ORG_A, scopes: ['scan:write', 'audit:read'] };
const keyB: Actor = { kind: 'api_key', keyId: 'k3', orgId: ORG_B, scopes: ['files:read', 'files:write', 'scan:write', 'audit:read', 'jobs:read', 'jobs:write', 'candidates:read', 'candidates:write'] };

const candidateFile: Resource = { type: 'file', ownerId: 'cand-1', orgId: null, sharedWithOrgIds: [] };
const sharedWithA: Resource = { type: 'file', ownerId: 'cand-1', orgId: null, sharedWithOrgIds: [ORG_A] };
const orgAFile: Resource = { type: 'file', ownerId: 'rec-a', orgId: ORG_A, sharedWithOrgIds: [] };
const orgAFileByAdmin: Resource = { type: 'file', ownerId: 'adm-a', orgId: ORG_A, sharedWithOrgIds: [] };
const orgA: Resource = { type: 'org_scope', orgId: ORG_A };
const ownSpace: Resource = { type: 'org_scope', orgId: null };
const openJobA: Resource = { type: 'job', orgId: ORG_A, status: 'open' };
const closedJobA: Resource = { type: 'job', orgId: ORG_A, status: 'closed' };
const candidateA: Resource = { type: 'candidate', orgId: ORG_A };
const applicationOfCand1: Resource = { type: 'application', candidateUserId: 'cand-1', orgId: ORG_A };
const keyOfA: Resource = { type: 'api_key', orgId: ORG_A };

type Expected = 'allow' | 403 | 404;
const CASES: Array<[string, Actor, Action, Resource, Expected]> = [
  // A candidate and their own files.
  ['candidate reads own file', candidate, 'file.read', candidateFile, 'allow'],
  ['candidate downloads own file', candidate, 'file.download', candidateFile, 'allow'],
  ['candidate deletes own file', candidate, 'file.delete', candidateFile, 'allow'],
  ['candidate erases own file', candidate, 'file.erase', candidateFile, 'allow'],
  ['candidate adds a version', candidate, 'file.add_version', candidateFile, 'allow'],
  ['candidate reads own access log', candidate, 'file.access_log', candidateFile, 'allow'],
  ['candidate cannot report scan results', candidate, 'file.scan_result', candidateFile, 403],
  ['candidate cannot request rescans', candidate, 'file.rescan', candidateFile, 403],
  ['another candidate cannot see it', otherCandidate, 'file.read', candidateFile, 404],
  ['another candidate cannot delete it', otherCandidate, 'file.delete', candidateFile, 404],
  ['candidate cannot see org files', candidate, 'file.read', orgAFile, 404],
  ['candidate uploads into own space', candidate, 'file.create', ownSpace, 'allow'],
  // Recruiters and their organization's files.
  ['recruiter reads org file', recruiterA, 'file.read', orgAFile, 'allow'],
  ['recruiter downloads org file', recruiterA, 'file.download', orgAFile, 'allow'],
  ['recruiter deletes org file', recruiterA, 'file.delete', orgAFile, 'allow'],
  ['recruiter erases own upload', recruiterA, 'file.erase', orgAFile, 'allow'],
  ['member cannot erase a colleague’s file', recruiterA, 'file.erase', orgAFileByAdmin, 403],
  ['member cannot read a colleague’s access log', recruiterA, 'file.access_log', orgAFileByAdmin, 403],
  ['admin erases any org file', adminA, 'file.erase', orgAFile, 'allow'],
  ['admin reads any access log', adminA, 'file.access_log', orgAFile, 'allow'],
  ['admin requests rescans', adminA, 'file.rescan', orgAFile, 'allow'],
  ['member cannot request rescans', recruiterA, 'file.rescan', orgAFile, 403],
  ['recruiter cannot report scan results', adminA, 'file.scan_result', orgAFile, 403],
  ['other org cannot see the file', adminB, 'file.read', orgAFile, 404],
  ['other org cannot delete the file', adminB, 'file.delete', orgAFile, 404],
  ['recruiter cannot see an unshared candidate file', recruiterA, 'file.read', candidateFile, 404],
  // Files shared by an application.
  ['recruiter reads a shared file', recruiterA, 'file.read', sharedWithA, 'allow'],
  ['recruiter downloads a shared file', recruiterA, 'file.download', sharedWithA, 'allow'],
  ['recruiter cannot delete a shared file', recruiterA, 'file.delete', sharedWithA, 403],
  ['recruiter cannot erase a shared file', adminA, 'file.erase', sharedWithA, 403],
  ['recruiter cannot version a shared file', recruiterA, 'file.add_version', sharedWithA, 403],
  ['another org does not see the shared file', adminB, 'file.read', sharedWithA, 404],
  ['withdrawn: no longer shared', recruiterA, 'file.read', candidateFile, 404],
  // Org admin powers.
  ['admin reads the audit trail', adminA, 'audit.read', orgA, 'allow'],
  ['member cannot read the audit trail', recruiterA, 'audit.read', orgA, 403],
  ['admin lists members', adminA, 'org.members.read', orgA, 'allow'],
  ['admin adds members', adminA, 'org.members.write', orgA, 'allow'],
  ['member cannot add members', recruiterA, 'org.members.write', orgA, 403],
  ['admin of B cannot list A’s members', adminB, 'org.members.read', orgA, 404],
  ['admin creates API keys', adminA, 'api_key.create', orgA, 'allow'],
  ['member cannot create API keys', recruiterA, 'api_key.create', orgA, 403],
  ['admin revokes the org’s key', adminA, 'api_key.revoke', keyOfA, 'allow'],
  ['admin of B cannot revoke A’s key', adminB, 'api_key.revoke', keyOfA, 404],
  ['admin manages quarantine', adminA, 'quarantine.read', orgA, 'allow'],
  ['member cannot manage quarantine', recruiterA, 'quarantine.delete', orgA, 403],
  ['admin manages webhooks', adminA, 'webhook.manage', orgA, 'allow'],
  ['candidate cannot read any audit trail', candidate, 'audit.read', ownSpace, 403],
  ['candidate cannot create API keys', candidate, 'api_key.create', ownSpace, 403],
  // Jobs and candidates.
  ['recruiter creates jobs', recruiterA, 'job.create', orgA, 'allow'],
  ['recruiter updates own org job', recruiterA, 'job.update', openJobA, 'allow'],
  ['recruiter of B cannot see A’s job', adminB, 'job.read', openJobA, 404],
  ['candidate reads an open job', candidate, 'job.read', openJobA, 'allow'],
  ['candidate cannot see a closed job', candidate, 'job.read', closedJobA, 404],
  ['candidate cannot update a job', candidate, 'job.update', openJobA, 403],
  ['candidate applies to an open job', candidate, 'application.create', openJobA, 'allow'],
  ['candidate cannot apply to a closed job', candidate, 'application.create', closedJobA, 404],
  ['recruiter cannot apply', recruiterA, 'application.create', openJobA, 403],
  ['recruiter reads own org candidate', recruiterA, 'candidate.read', candidateA, 'allow'],
  ['recruiter deletes own org candidate', recruiterA, 'candidate.delete', candidateA, 'allow'],
  ['other org cannot see the candidate', adminB, 'candidate.read', candidateA, 404],
  ['job seekers cannot see candidate records', candidate, 'candidate.read', candidateA, 404],
  ['candidate withdraws own application', candidate, 'application.withdraw', applicationOfCand1, 'allow'],
  ['others cannot withdraw it', otherCandidate, 'application.withdraw', applicationOfCand1, 404],
  ['recruiters cannot withdraw it', recruiterA, 'application.withdraw', applicationOfCand1, 404],
  // API keys: scope and organization.
  ['files:read key reads org file', keyRead, 'file.read', orgAFile, 'allow'],
  ['files:read key downloads org file', keyRead, 'file.download', orgAFile, 'allow'],
  ['files:read key reads shared file', keyRead, 'file.read', sharedWithA, 'allow'],
  ['files:read key cannot delete', keyRead, 'file.delete', orgAFile, 403],
  ['files:read key cannot upload', keyRead, 'file.create', orgA, 403],
  ['scan key reports scan results', keyScan, 'file.scan_result', orgAFile, 'allow'],
  ['scan key cannot report on shared files', keyScan, 'file.scan_result', sharedWithA, 403],
  ['scan key cannot download', keyScan, 'file.download', orgAFile, 403],
  ['audit key reads audit', keyScan, 'audit.read', orgA, 'allow'],
  ['key of B cannot see A’s file', keyB, 'file.read', orgAFile, 404],
  ['key of B cannot report on A’s file', keyB, 'file.scan_result', orgAFile, 404],
  ['key of B cannot see A’s job', keyB, 'job.read', openJobA, 404],
  ['keys cannot create keys', keyScan, 'api_key.create', orgA, 403],
  ['keys cannot add members', keyScan, 'org.members.write', orgA, 403],
  ['keys cannot see candidate-only files', keyRead, 'file.read', candidateFile, 404],
];

describe('the access policy', () => {
  it.each(CASES)('%s', (_name, actor, action, resource, expected) => {
    const decision = authorize(actor, action, resource);
    const outcome: Expected = decision.allowed ? 'allow' : decision.visible ? 403 : 404;
    expect(outcome).toBe(expected);
  });
});
