import { useState } from 'react';
import { Link, useSearch } from 'wouter';
import { api, unwrap } from '../api/client';
import { AuthForm, AuthFrame, EmailField, NewPasswordForm } from './AuthForm';

/** Ask for a reset link: the API answers the same whether the account exists. */
export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const action = async () => {
    await unwrap(api.POST('/api/v2/auth/password-reset', { body: { email: email.trim() } }));
    setSentTo(email.trim());
  };
  return (
    <AuthFrame title="Reset your password">
      {sentTo ? (
        <p
          role="status"
          className="rounded border border-emerald-300 bg-emerald-50 p-2 text-sm text-emerald-900"
        >
          If {sentTo} has an account, a link to reset its password is on its way. It works once and
          expires soon.
        </p>
      ) : (
        <AuthForm submitLabel="Email me a reset link" action={action} disabled={!email.trim()}>
          <EmailField value={email} onChange={setEmail} />
        </AuthForm>
      )}
      <p className="mt-6 text-sm">
        <Link href="/" className="text-sky-800 underline">
          Back to sign in
        </Link>
      </p>
    </AuthFrame>
  );
}

/** The token of the link an email carried (`?token=`). */
export function useEmailToken(): string {
  return new URLSearchParams(useSearch()).get('token') ?? '';
}

/** Set a new password with the emailed token; every session of the account ends. */
export function ResetPassword({ onDone }: { onDone: () => void }) {
  const token = useEmailToken();
  if (!token) return <MissingToken title="Choose a new password" />;
  const reset = async (password: string) => {
    await unwrap(api.POST('/api/v2/auth/password-reset/confirm', { body: { token, password } }));
    onDone();
  };
  return (
    <AuthFrame title="Choose a new password">
      <NewPasswordForm submitLabel="Set the new password" onSubmit={reset} />
    </AuthFrame>
  );
}

export function MissingToken({ title }: { title: string }) {
  return (
    <AuthFrame title={title}>
      <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900">
        This page needs the link from the email (it carries a token). Open the link again, or{' '}
        <Link href="/forgot-password" className="underline">
          ask for a new one
        </Link>
        .
      </p>
    </AuthFrame>
  );
}
