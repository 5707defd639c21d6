import { currentIdentity } from '../auth/session';
import { ApiKeysSection } from './ApiKeysSection';
import { ConfidenceSection } from './ConfidenceSection';
import { ModeSection } from './ModeSection';
import { TenantsSection } from './TenantsSection';
import { UsageSection } from './UsageSection';
import { UsersSection } from './UsersSection';

/** The tenant's administration (admins only): people, keys, usage, mode, tenants, confidence, the queues. */
export function AdminPage() {
  if (currentIdentity()?.role !== 'admin')
    return (
      <p role="alert" className="text-sm">
        This page is for admins.
      </p>
    );
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-2xl font-semibold">Admin</h1>
        <a
          href="/admin/queues"
          target="_blank"
          rel="noreferrer"
          className="ml-auto text-sm text-sky-800 underline"
        >
          Queues in Bull Board (opens a new tab)
        </a>
      </div>
      <UsersSection />
      <ApiKeysSection />
      <UsageSection />
      <ModeSection />
      <TenantsSection />
      <ConfidenceSection />
    </div>
  );
}
