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
