import type { ReactNode } from 'react';
import type { Identity } from '../api/types';
import { Link } from 'wouter';

/** The frame of every signed-in page: navigation, the Bull Board link, who is signed in, sign-out. */
export function Shell({
  children,
  identity,
  onSignOut,
}: {
  children: ReactNode;
  identity: Identity;
  onSignOut: () => void;
}) {
  const link =
    'rounded px-2 py-1 text-sm font-medium text-slate-100 hover:bg-slate-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-white';
  return (
    <div className="min-h-screen">
      <header className="bg-slate-900 text-white">
        <nav
          aria-label="Main"
          className="mx-auto flex max-w-6xl flex-wrap items-center gap-2 px-4 py-2"
        >
          <Link href="/" className="mr-4 font-semibold">
            MGE console
          </Link>
          <Link href="/" className={link}>
            Plans
          </Link>
          <Link href="/plans/new" className={link}>
            Submit a plan
          </Link>
          <Link href="/plans/from-requirements" className={link}>
            New from requirements
          </Link>
          {identity.role === 'admin' && (
            <>
              <Link href="/settings" className={link}>
                Admin
              </Link>
              <a href="/admin/queues" className={link} target="_blank" rel="noreferrer">
                Queues (Bull Board)
              </a>
            </>
          )}
          <a href="/docs/" className={link} target="_blank" rel="noreferrer">
            API docs
          </a>
          <Link href="/account" className={`${link} ml-auto`} data-testid="signed-in-as">
            {identity.user?.email ?? 'API key'} ({identity.role})
          </Link>
          <button type="button" onClick={onSignOut} className={link}>
            Sign out
          </button>
        </nav>
      </header>
      <main className="mx-auto max-w-6xl p-4">{children}</main>
    </div>
  );
}
