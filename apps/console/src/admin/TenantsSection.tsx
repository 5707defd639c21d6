import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { queries } from '../api/queries';
import { PLAN_MODES, type PlanMode } from '@mge/core/domain';
import { cellClass, inputClass, Section } from '../ui/Section';
import { ErrorNote } from '../ui/status';

/** Every tenant of the fleet: its plans, spending, and its mode override (set here). */
export function TenantsSection() {
  const client = useQueryClient();
  const tenants = useQuery(queries.tenants());
  const pin = useMutation({
    mutationFn: (tenant: { id: string; mode: PlanMode | null }) =>
      unwrap(api.POST('/api/v2/mode', { body: { tenant } })),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queries.tenants().queryKey }),
        client.invalidateQueries({ queryKey: queries.mode().queryKey }),
      ]),
  });
  return (
    <Section id="tenants" title="Tenants">
      <ErrorNote error={tenants.error} />
      <ErrorNote error={pin.error} />
      {tenants.data && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="tenants">
            <thead className="bg-slate-100 text-slate-700">
              <tr>
                {['Tenant', 'Plans', 'Spent', 'Mode'].map((h) => (
                  <th key={h} scope="col" className={cellClass}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {tenants.data.items.map((t) => (
                <tr key={t.id} className="border-t border-slate-200">
                  <th scope="row" className={`${cellClass} font-normal`}>
                    {t.name}
                  </th>
                  <td className={`${cellClass} tabular-nums`}>{t.plans}</td>
                  <td className={`${cellClass} tabular-nums`}>
                    ${t.spentDollars.toFixed(4)} · {t.spentTokens.toLocaleString()} tokens
                  </td>
                  <td className={cellClass}>
                    <select
                      aria-label={`Mode of tenant ${t.name}`}
                      value={t.modeOverride ?? ''}
                      disabled={pin.isPending}
                      onChange={(e) =>
                        pin.mutate({
                          id: t.id,
                          mode: e.target.value === '' ? null : (e.target.value as PlanMode),
                        })
                      }
                      className={inputClass}
                    >
                      <option value="">the fleet's setting</option>
                      {PLAN_MODES.map((m) => (
                        <option key={m} value={m}>
                          always {m}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
