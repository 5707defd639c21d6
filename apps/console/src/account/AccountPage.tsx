import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { queries } from '../api/queries';
import type { PublicUser } from '../api/types';
import { Section } from '../ui/Section';
import { ErrorNote } from '../ui/status';

type Setting = 'notifyOnReview' | 'notifyOnFinish';
const SETTINGS: { key: Setting; label: string }[] = [
  { key: 'notifyOnReview', label: 'Email me when a plan needs review' },
  { key: 'notifyOnFinish', label: 'Email me when a plan finishes' },
];

/** The signed-in person's account: who they are and their plan emails. */
export function AccountPage() {
  const client = useQueryClient();
  // What the person ticked, shown at once (the server's value until they tick).
  const [chosen, setChosen] = useState<Partial<Record<Setting, boolean>>>({});
  const me = useQuery(queries.me());
  const change = useMutation({
    mutationFn: (body: Partial<Record<Setting, boolean>>) =>
      unwrap<PublicUser>(api.PATCH('/api/v2/auth/me/notifications', { body })),
    // A refused change shows the stored setting again.
    onError: () => setChosen({}),
    onSettled: () => client.invalidateQueries({ queryKey: queries.me().queryKey }),
  });
  const user = me.data?.user;
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">Account</h1>
      <ErrorNote error={me.error ?? change.error} />
      {user && (
        <Section id="notifications" title="Notifications">
          <p className="mb-3 text-sm text-slate-700">
            Signed in as {user.email} ({user.role}). Emails go to this address about your tenant's
            plans.
          </p>
          <fieldset className="space-y-2">
            <legend className="sr-only">Plan emails</legend>
            {SETTINGS.map((s) => (
              <div key={s.key} className="flex items-center gap-2">
                <input
                  id={s.key}
                  type="checkbox"
                  checked={chosen[s.key] ?? user[s.key]}
                  onChange={(e) => {
                    setChosen((c) => ({ ...c, [s.key]: e.target.checked }));
                    change.mutate({ [s.key]: e.target.checked });
                  }}
                  className="h-4 w-4 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600"
                />
                <label htmlFor={s.key} className="text-sm">
                  {s.label}
                </label>
              </div>
            ))}
          </fieldset>
        </Section>
      )}
    </div>
  );
}
