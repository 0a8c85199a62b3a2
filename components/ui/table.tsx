// Table primitives: a horizontally scrollable frame (phones), header cells with scope, tabular numbers.
export function Table({ children, label, className = "" }: { children: React.ReactNode; label: string; className?: string }) {
  return (
    <div className={`relative -mx-5 overflow-x-auto px-5 ${className}`}>
      <table className="w-full min-w-max border-collapse text-left text-sm" aria-label={label}>
        {children}
      </table>
    </div>
  );
}

export function Th({ children, className = "", ...rest }: React.ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={`border-b border-slate-200 px-2 py-2 text-xs font-semibold text-slate-600 first:pl-0 last:pr-0 ${className}`}
      {...rest}
    >
      {children}
    </th>
  );
}

export function Td({ children, className = "", ...rest }: React.TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td className={`border-b border-slate-100 px-2 py-2 align-middle tabular-nums first:pl-0 last:pr-0 ${className}`} {...rest}>
      {children}
    </td>
  );
}
