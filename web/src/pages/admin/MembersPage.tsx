import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.ts';
import type { Invitation, MemberAdded } from '../../api/client.ts';
import { ConfirmDialog, ErrorMessage, Notice, PageTitle, SelectField, TextField, UsageLine, formatDate, useResource } from '../../components/ui.tsx';
import { api, useSession } from '../../session.tsx';

export default function MembersPage() {
  const { user } = useSession();
  const orgId = user?.org_id ?? '';
  const members = useResource(() => api.listMembers(orgId), [orgId]);
  const usage = useResource(() => api.orgUsage(orgId), [orgId]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [emailError, setEmailError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const invitations = useResource(() => api.listInvitations(orgId, 'pending'), [orgId]);
  const [invited, setInvited] = useState<MemberAdded | null>(null);
  const [copied, setCopied] = useState(false);
  const [cancelling, setCancelling] = useState<Invitation | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    setInvited(null);
    setError(null);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setEmailError('Enter an email address like name@example.com.');
      return;
    }
    setEmailError(null);
    setBusy(true);
    try {
      const added = await api.addMember(orgId, email.trim(), role);
      if (added.status === 'added') setNotice(`${added.email} joined the organization.`);
      else {
        setInvited(added);
        setCopied(false);
      }
      setEmail('');
      members.reload();
      invitations.reload();
    } catch (caught) {
      if (caught instanceof ApiError && caught.field === 'email') setEmailError(caught.detail);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!invited?.invitation_url) return;
    try {
      await navigator.clipboard.writeText(invited.invitation_url);
      setCopied(true);
    } catch {
      (document.getElementById('invitation-link') as HTMLInputElement | null)?.select();
    }
  };

  const cancel = async () => {
    if (!cancelling) return;
    setBusy(true);
    try {
      await api.cancelInvitation(orgId, cancelling.id);
      if (invited?.invitation?.id === cancelling.id) setInvited(null);
      invitations.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setCancelling(null);
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle title="Members">Members of {user?.org_name ?? 'the organization'}</PageTitle>
      <UsageLine usage={usage.data} label="Organization storage" />
      <section className="panel" aria-labelledby="invite-title">
        <h2 id="invite-title">Add a recruiter</h2>
        <form className="inline-form" onSubmit={(event) => void submit(event)} noValidate>
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
        {invited?.invitation_url && (
          <div className="alert alert-success created-key" role="status">
            <p>
              <strong>{invited.email} is invited. Send them this link now: it is shown only once.</strong> They join by creating their recruiter account with
              this email through it, until {formatDate(invited.invitation?.expires_at)}.
            </p>
            <div className="password-row">
              <label htmlFor="invitation-link" className="visually-hidden">
                Invitation link
              </label>
              <input id="invitation-link" readOnly value={invited.invitation_url} onFocus={(event) => event.target.select()} className="mono" />
              <button type="button" className="button" onClick={() => void copy()}>
                {copied ? 'Copied' : 'Copy'}
              </button>
            </div>
          </div>
        )}
        <ErrorMessage error={error} />
      </section>
      <section className="panel" aria-labelledby="invitations-title">
        <h2 id="invitations-title">Pending invitations</h2>
        <ErrorMessage error={invitations.error} />
        {invitations.data && invitations.data.length === 0 && <p className="empty">No pending invitations.</p>}
        {invitations.data && invitations.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" aria-labelledby="invitations-title">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.data.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>{invitation.org_role === 'admin' ? 'Admin' : 'Member'}</td>
                    <td className="small">{formatDate(invitation.expires_at)}</td>
                    <td>
                      <button type="button" className="button button-small button-danger" onClick={() => setCancelling(invitation)}>
                        Revoke<span className="visually-hidden"> the invitation of {invitation.email}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <ErrorMessage error={members.error} />
        {members.data && (
          <div className="table-wrap">
            <table className="table" aria-labelledby="members-title">
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
      <ConfirmDialog
        open={cancelling !== null}
        title={`Revoke the invitation of ${cancelling?.email ?? 'this address'}?`}
        confirmLabel="Revoke invitation"
        danger
        busy={busy}
        onConfirm={() => void cancel()}
        onCancel={() => setCancelling(null)}
      >
        <p>Its link stops working at once.</p>
      </ConfirmDialog>
    </>
  );
}
