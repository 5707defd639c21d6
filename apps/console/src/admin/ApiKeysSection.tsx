import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { queries } from '../api/queries';
import type { ApiKeyView, Role } from '../api/types';
import { cellClass, inputClass, RoleSelect, Section, Table } from '../ui/Section';
import { age, buttonClass, ErrorNote, primaryButtonClass } from '../ui/status';

/** API keys for machines: create (shown once), revoke. */
export function ApiKeysSection() {
  const client = useQueryClient();
  const keys = useQuery(queries.apiKeys());
  const refresh = () => client.invalidateQueries({ queryKey: queries.apiKeys().queryKey });
  const [role, setRole] = useState<Role>('member');
  const create = useMutation({
    mutationFn: (role: Role) =>
      unwrap<ApiKeyView & { key: string }>(api.POST('/api/v2/api-keys', { body: { role } })),
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      unwrap<ApiKeyView>(api.DELETE('/api/v2/api-keys/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  });

  return (
    <Section id="keys" title="API keys">
      <p className="mb-3 text-sm text-slate-700">
        For machines (CLI, CI, curl): send <code>Authorization: Bearer KEY</code>. People sign in.
      </p>
      <ErrorNote error={keys.error ?? revoke.error} />
      <Table testId="api-keys" columns={['Key', 'Role', 'Created', { hidden: 'Actions' }]}>
        {keys.data?.keys.map((k) => (
          <tr key={k.id} className="border-t border-slate-200">
            <td className={`${cellClass} font-mono`}>{k.prefix}…</td>
            <td className={cellClass}>{k.role}</td>
            <td className={cellClass} title={k.createdAt}>
              {age(k.createdAt)}
            </td>
            <td className={cellClass}>
              {k.revokedAt ? (
                <span className="text-slate-700">revoked {age(k.revokedAt)}</span>
              ) : (
                <button
                  type="button"
                  className={buttonClass}
                  aria-label={`Revoke key ${k.prefix}`}
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate(k.id)}
                >
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
        {keys.data?.keys.length === 0 && (
          <tr>
            <td colSpan={4} className={`${cellClass} text-slate-700`}>
              No keys yet.
            </td>
          </tr>
        )}
      </Table>
      <div className="mt-4 flex flex-wrap items-end gap-3">
        <RoleSelect id="key-role" label="New key's role" value={role} onChange={setRole} />
        <button
          type="button"
          className={primaryButtonClass}
          disabled={create.isPending}
          onClick={() => create.mutate(role)}
        >
          Create a key
        </button>
      </div>
      <ErrorNote error={create.error} />
      {create.data && (
        <div role="status" className="mt-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm">
          <p className="font-medium">Copy the key now: it is not shown again.</p>
          <label htmlFor="new-key" className="sr-only">
            The new key
          </label>
          <input
            id="new-key"
            readOnly
            value={create.data.key}
            onFocus={(e) => e.target.select()}
            className={`${inputClass} mt-1 w-full font-mono`}
            data-testid="new-key"
          />
        </div>
      )}
    </Section>
  );
}
