import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Route, Switch, useLocation } from 'wouter';
import { api, unauthorized, unwrap } from './api/client';
import type { Identity } from './api/types';
import { AcceptInvitation } from './auth/AcceptInvitation';
import { ForgotPassword, ResetPassword } from './auth/PasswordReset';
import { mayHaveSession, setIdentity } from './auth/session';
import { SignIn } from './auth/SignIn';
import './index.css';
import { Shell } from './layout/Shell';
import { PlansPage } from './plans/PlansPage';

// Pages with the editor (CodeMirror) or the graph (React Flow, dagre) load when first opened.
const SubmitPage = lazy(() =>
  import('./plans/SubmitPage').then((m) => ({ default: m.SubmitPage })),
);
const PlanPage = lazy(() => import('./plan/PlanPage').then((m) => ({ default: m.PlanPage })));
const RequirementsPage = lazy(() =>
  import('./planner/RequirementsPage').then((m) => ({ default: m.RequirementsPage })),
);
const DiscoveryPage = lazy(() =>
  import('./planner/DiscoveryPage').then((m) => ({ default: m.DiscoveryPage })),
);
const MasterplanPage = lazy(() =>
  import('./planner/MasterplanPage').then((m) => ({ default: m.MasterplanPage })),
);
const AtomPage = lazy(() => import('./atom/AtomPage').then((m) => ({ default: m.AtomPage })));
const AdminPage = lazy(() => import('./admin/AdminPage').then((m) => ({ default: m.AdminPage })));
const AccountPage = lazy(() =>
  import('./account/AccountPage').then((m) => ({ default: m.AccountPage })),
);
const ReviewPage = lazy(() =>
  import('./review/ReviewPage').then((m) => ({ default: m.ReviewPage })),
);

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 2000, refetchOnWindowFocus: true } },
});

/** Who is signed in: undefined while the session is checked, null when nobody is. */
type SignedIn = Identity | null | undefined;

function App() {
  const [identity, setState] = useState<SignedIn>(() => (mayHaveSession() ? undefined : null));
  const [notice, setNotice] = useState<string>();
  const [, navigate] = useLocation();
  const enter = (next: Identity | null) => {
    setIdentity(next);
    queryClient.clear();
    setState(next);
  };
  const signedIn = (next: Identity) => {
    setNotice(undefined);
    enter(next);
  };
  const signOut = async () => {
    // Revokes the refresh token and clears the cookies; the page forgets the user either way.
    await api.DELETE('/api/v2/auth/session').catch(() => undefined);
    enter(null);
    navigate('/');
  };

  useEffect(() => {
    if (identity !== undefined) return;
    unwrap<Identity>(api.GET('/api/v2/auth/me'))
      .then(enter)
      .catch(() => enter(null));
  }, [identity]);
  useEffect(() => {
    // The API refused the session even after a refresh: back to the sign-in page.
    const drop = () => enter(null);
    unauthorized.addEventListener('unauthorized', drop);
    return () => unauthorized.removeEventListener('unauthorized', drop);
  }, []);

  return (
    <Switch>
      <Route path="/forgot-password" component={ForgotPassword} />
      <Route path="/reset-password">
        <ResetPassword
          onDone={() => {
            setNotice('Your password is changed: sign in with the new one.');
            enter(null);
            navigate('/');
          }}
        />
      </Route>
      <Route path="/accept-invitation">
        <AcceptInvitation
          onSignedIn={(next) => {
            signedIn(next);
            navigate('/');
          }}
        />
      </Route>
      <Route>
        {identity === undefined ? (
          <p className="p-4">Loading…</p>
        ) : identity === null ? (
          <SignIn onSignedIn={signedIn} notice={notice} />
        ) : (
          <Shell identity={identity} onSignOut={() => void signOut()}>
            <Suspense fallback={<p>Loading…</p>}>
              <Switch>
                <Route path="/" component={PlansPage} />
                <Route path="/plans/new" component={SubmitPage} />
                <Route path="/plans/from-requirements" component={RequirementsPage} />
                <Route path="/discovery/:id">{(p) => <DiscoveryPage id={p.id} />}</Route>
                <Route path="/plans/:id/masterplan">{(p) => <MasterplanPage id={p.id} />}</Route>
                <Route path="/plans/:id/review">{(p) => <ReviewPage planId={p.id} />}</Route>
                <Route path="/plans/:id">{(p) => <PlanPage id={p.id} />}</Route>
                <Route path="/atoms/:id">{(p) => <AtomPage id={p.id} />}</Route>
                <Route path="/settings" component={AdminPage} />
                <Route path="/account" component={AccountPage} />
                <Route>
                  <h1 className="text-xl font-semibold">Page not found</h1>
                </Route>
              </Switch>
            </Suspense>
          </Shell>
        )}
      </Route>
    </Switch>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
