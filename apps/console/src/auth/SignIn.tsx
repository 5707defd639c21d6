import { useState } from 'react';
import { Link } from 'wouter';
import { api, ApiError, unwrap } from '../api/client';
import type { Identity, PublicUser } from '../api/types';
import { AuthForm, AuthFrame, EmailField, Field } from './AuthForm';

/** The identity a sign-in (or an accepted invitation) answers with. */
export function identityOf(user: PublicUser): Identity {
  return { tenantId: user.tenantId, role: user.role, user };
}

/** Sign in with email and password: the API answers with the session's cookies. */
export function SignIn({
  onSignedIn,
  notice,
}: {
  onSignedIn: (identity: Identity) => void;
  notice?: string;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = async () => {
    try {
      const { user } = await unwrap<{ user: PublicUser }>(
        api.POST('/api/v2/auth/session', { body: { email: email.trim(), password } }),
      );
      onSignedIn(identityOf(user));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401)
        throw new Error('Wrong email or password.', { cause: err });
      throw err;
    }
  };
  return (
    <AuthFrame title="Sign in">
      {notice && (
        <p
          role="status"
          className="mb-4 rounded border border-emerald-300 bg-emerald-50 p-2 text-sm text-emerald-900"
        >
          {notice}
        </p>
      )}
      <AuthForm submitLabel="Sign in" action={action} disabled={!email.trim() || !password}>
        <EmailField value={email} onChange={setEmail} />
        <Field
          id="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
      </AuthForm>
      <p className="mt-6 text-sm">
        <Link href="/forgot-password" className="text-sky-800 underline">
          Forgot your password?
        </Link>
      </p>
      <p className="mt-2 text-xs text-slate-700">
        No account yet? An admin invites you, or creates the first one with{' '}
        <code>npx mge users create --tenant NAME --email YOU --admin</code>. Machines use API keys.
      </p>
    </AuthFrame>
  );
}
