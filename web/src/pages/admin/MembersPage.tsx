import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.ts';
import { ErrorMessage, Notice, PageTitle, SelectField, TextField, useResource } from '../../components/ui.tsx';
import { api, useSession } from '../../session.tsx';

export default function MembersPage() {
  const { user } = useSession();
  const orgId = user?.org_id ?? '';
  const members = useResource(() => api.listMembers(orgId), [orgId]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [emailError, setEmailError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    setError(null);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setEmailError('Enter an email address like name@example.com.');
      return;
    }
    setEmailError(null);
    setBusy(true);
    try {
      const added = await api.addMember(orgId, email.trim(), role);
      setNotice(added.status === 'added' ? `${added.email} joined the organization.` : `${added.email} is invited: they join when they register as a recruiter with this email.`);
      setEmail('');
      members.reload();
    } catch (caught) {
      if (caught instanceof ApiError && caught.field === 'email') setEmailError(caught.detail);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle title="Members">Members of {user?.org_name ?? 'the organization'}</PageTitle>
      <section className="panel" aria-labelledby="invite-title">
        <h2 id="invite-title">Add a recruiter</h2>
        <form className="inline-form" onSubmit={submit} noValidate>
          <TextField label="Email" name="email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} error={emailError} />
          <SelectField label="Role" name="org_role" value={role} onChange={(event) => setRole(event.target.value as 'member' | 'admin')}>
            <option value="member">Member</option>
            <option value="admin">Admin (members, keys, audit log)</option>
          </SelectField>
          <button type="submit" className="button button-primary" disabled={busy}>
            Add
          </button>
        </form>
        {notice && <Notice tone="success">{notice}</Notice>}
        <ErrorMessage error={error} />
      </section>
      <section className="panel" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <ErrorMessage error={members.error} />
        {members.data && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {members.data.map((member) => (
                  <tr key={member.id}>
                    <td>{member.name}</td>
                    <td>{member.email}</td>
                    <td>{member.org_role === 'admin' ? 'Admin' : 'Member'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
