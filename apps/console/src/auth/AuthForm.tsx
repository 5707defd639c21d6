import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNote, primaryButtonClass } from '../ui/status';

const inputClass =
  'w-full rounded border border-slate-400 px-3 py-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600';

/** The frame of a signed-out page (sign in, reset a password, accept an invitation). */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="mx-auto mt-24 max-w-md p-4">
      <p className="mb-1 text-sm font-semibold text-slate-700">MGE console</p>
      <h1 className="mb-4 text-2xl font-semibold">{title}</h1>
      {children}
    </main>
  );
}

/** A labelled input of an auth form. */
export function Field(props: {
  id: string;
  label: string;
  type: 'email' | 'password';
  autoComplete: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
}) {
  return (
    <div>
      <label htmlFor={props.id} className="mb-1 block text-sm font-medium">
        {props.label}
      </label>
      <input
        id={props.id}
        type={props.type}
        autoComplete={props.autoComplete}
        required
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        className={inputClass}
      />
      {props.hint && (
        <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-700">
          {props.hint}
        </p>
      )}
    </div>
  );
}

/**
 * A form whose submit runs `action` once at a time and shows what it threw as an alert.
 * `submitLabel` names the button; `disabled` holds it while the fields are incomplete.
 */
export function AuthForm(props: {
  submitLabel: string;
  disabled?: boolean;
  action: () => Promise<void>;
  children: ReactNode;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4">
      {props.children}
      <ErrorNote error={error} />
      <button type="submit" disabled={busy || props.disabled} className={primaryButtonClass}>
        {props.submitLabel}
      </button>
    </form>
  );
}

/** The email field of the sign-in and reset-request forms. */
export function EmailField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <Field
      id="email"
      label="Email"
      type="email"
      autoComplete="username"
      value={value}
      onChange={onChange}
    />
  );
}

/** Why a new password cannot be sent yet, or null. Checked before the API is asked. */
export function newPasswordProblem(password: string, confirm: string): string | null {
  if (password.length < 10) return 'The new password must be at least 10 characters.';
  if (password !== confirm) return 'The two passwords differ.';
  return null;
}

/**
 * Choose a new password (reset, invitation): typed twice, checked here first (10+ characters,
 * both the same), then given to `onSubmit`.
 */
export function NewPasswordForm({
  submitLabel,
  onSubmit,
}: {
  submitLabel: string;
  onSubmit: (password: string) => Promise<void>;
}) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const action = async () => {
    const problem = newPasswordProblem(password, confirm);
    if (problem) throw new Error(problem);
    await onSubmit(password);
  };
  return (
    <AuthForm submitLabel={submitLabel} action={action} disabled={!password || !confirm}>
      <Field
        id="new-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        hint="At least 10 characters."
      />
      <Field
        id="confirm-password"
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={setConfirm}
      />
    </AuthForm>
  );
}
