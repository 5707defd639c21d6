import type { ReactNode } from 'react';

/** A titled part of a page; its heading labels it for assistive technology. */
export function Section({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      className="rounded border border-slate-200 bg-white p-4"
    >
      <h2 id={`${id}-title`} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export const inputClass =
  'rounded border border-slate-400 bg-white px-2 py-1 text-sm focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600';
export const cellClass = 'px-3 py-2';

/** A scrollable table with its column headings (a heading given as null is an unlabelled column). */
export function Table({
  testId,
  columns,
  children,
}: {
  testId: string;
  columns: (string | { hidden: string })[];
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead className="bg-slate-100 text-slate-700">
          <tr>
            {columns.map((c) => (
              <th key={typeof c === 'string' ? c : c.hidden} scope="col" className={cellClass}>
                {typeof c === 'string' ? c : <span className="sr-only">{c.hidden}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A labelled admin/member choice. */
export function RoleSelect({
  id,
  label,
  value,
  onChange,
  disabled,
  hideLabel,
}: {
  id: string;
  label: string;
  value: 'admin' | 'member';
  onChange: (role: 'admin' | 'member') => void;
  disabled?: boolean;
  hideLabel?: boolean;
}) {
  return (
    <div>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'mb-1 block text-sm font-medium'}>
        {label}
      </label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value as 'admin' | 'member')}
        className={inputClass}
      >
        <option value="member">member</option>
        <option value="admin">admin</option>
      </select>
    </div>
  );
}
