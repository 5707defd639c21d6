import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { queries } from '../api/queries';
import type { PublicUser, Role } from '../api/types';
import { currentIdentity } from '../auth/session';
import { cellClass, inputClass, RoleSelect, Section, Table } from '../ui/Section';
import { ErrorNote, primaryButtonClass } from '../ui/status';

/** The tenant's people: invite by email, change a role (not one's own). */
export function UsersSection() {
  const client = useQueryClient();
  const users = useQuery(queries.users());
  const refresh = () => client.invalidateQueries({ queryKey: queries.users().queryKey });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const invite = useMutation({
    mutationFn: (body: { email: string; role: Role }) =>
      unwrap<{ email: string; emailed: boolean }>(api.POST('/api/v2/auth/invitations', { body })),
    onSuccess: () => setEmail(''),
  });
  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) =>
      unwrap<PublicUser>(
        api.PATCH('/api/v2/users/{id}', { params: { path: { id } }, body: { role } }),
      ),
    // The choice shows at once; the refetch after the answer confirms (or undoes) it.
    onMutate: ({ id, role }) =>
      client.setQueryData(queries.users().queryKey, (old) =>
        old ? { users: old.users.map((u) => (u.id === id ? { ...u, role } : u)) } : old,
      ),
    onSettled: refresh,
  });
  const me = currentIdentity()?.user?.id;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate({ email: email.trim(), role });
  };

  return (
    <Section id="users" title="Users">
      <ErrorNote error={users.error ?? changeRole.error} />
      <Table testId="users" columns={['Email', 'Role', 'Notifications']}>
        {users.data?.users.map((u) => (
          <tr key={u.id} className="border-t border-slate-200">
            <td className={cellClass}>
              {u.email}
              {u.disabled && ' (disabled)'}
            </td>
            <td className={cellClass}>
              <RoleSelect
                id={`role-${u.id}`}
                label={`Role of ${u.email}`}
                hideLabel
                value={u.role}
                disabled={u.id === me || changeRole.isPending}
                onChange={(role) => changeRole.mutate({ id: u.id, role })}
              />
            </td>
            <td className={cellClass}>
              {[u.notifyOnReview && 'needs review', u.notifyOnFinish && 'finished']
                .filter(Boolean)
                .join(', ') || 'none'}
            </td>
          </tr>
        ))}
      </Table>
      <form onSubmit={submit} className="mt-4 flex flex-wrap items-end gap-3" aria-label="Invite">
        <div>
          <label htmlFor="invite-email" className="mb-1 block text-sm font-medium">
            Invite by email
          </label>
          <input
            id="invite-email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            className={inputClass}
          />
        </div>
        <RoleSelect id="invite-role" label="as" value={role} onChange={setRole} />
        <button
          type="submit"
          disabled={!email.trim() || invite.isPending}
          className={primaryButtonClass}
        >
          Send invitation
        </button>
      </form>
      <ErrorNote error={invite.error} />
      {invite.data && (
        <p role="status" className="mt-2 text-sm text-emerald-900">
          {invite.data.emailed
            ? `Invitation emailed to ${invite.data.email}.`
            : `Invitation made for ${invite.data.email}, but no email went out (is MGE_SMTP_URL set?).`}
        </p>
      )}
    </Section>
  );
}
