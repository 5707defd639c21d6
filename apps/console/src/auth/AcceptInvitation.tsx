import { api, unwrap } from '../api/client';
import type { Identity, PublicUser } from '../api/types';
import { AuthFrame, NewPasswordForm } from './AuthForm';
import { MissingToken, useEmailToken } from './PasswordReset';
import { identityOf } from './SignIn';

/** Accept an emailed invitation: choose a password; the API signs the new user in. */
export function AcceptInvitation({ onSignedIn }: { onSignedIn: (identity: Identity) => void }) {
  const token = useEmailToken();
  if (!token) return <MissingToken title="Accept an invitation" />;
  const accept = async (password: string) => {
    const { user } = await unwrap<{ user: PublicUser }>(
      api.POST('/api/v2/auth/invitations/accept', { body: { token, password } }),
    );
    onSignedIn(identityOf(user));
  };
  return (
    <AuthFrame title="Accept an invitation">
      <p className="mb-4 text-sm text-slate-700">
        Choose a password for your new account; you are signed in when it is set.
      </p>
      <NewPasswordForm submitLabel="Create my account" onSubmit={accept} />
    </AuthFrame>
  );
}
