import { Type } from 'typebox';
import { Uuid } from './common.ts';

export const Role = Type.Union([Type.Literal('candidate'), Type.Literal('recruiter')]);
export const OrgRole = Type.Union([Type.Literal('admin'), Type.Literal('member')]);

export const User = Type.Object(
  {
    id: Uuid,
    email: Type.String({ description: 'As given at registration; unique case-insensitively.' }),
    name: Type.String(),
    role: Role,
    org_id: Type.Union([Uuid, Type.Null()], { description: 'The recruiter’s organization; null for candidates.' }),
    org_role: Type.Union([OrgRole, Type.Null()]),
    org_name: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'A person: a candidate, or a recruiter of one organization.' },
);

export const InvitationStatus = Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('expired'), Type.Literal('cancelled')]);

export const Invitation = Type.Object(
  {
    id: Uuid,
    org_id: Uuid,
    email: Type.String({ description: 'The address invited; only a registration with it (in any letter case) can use the token.' }),
    org_role: OrgRole,
    status: InvitationStatus,
    invited_by: Type.Union([Uuid, Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.String({ format: 'date-time' }),
    accepted_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    cancelled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { description: 'An invitation to join an organization. Its token is never listed: it is returned once, when the invitation is made.' },
);
