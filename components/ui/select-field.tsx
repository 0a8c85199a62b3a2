// Labelled <select> with its error beneath, like Field.
import type { SelectHTMLAttributes } from "react";
import { FieldShell, type FieldShellProps } from "./field-shell";

export function SelectField({ label, error, id, hint, children, ...props }: SelectHTMLAttributes<HTMLSelectElement> & FieldShellProps) {
  return (
    <FieldShell label={label} id={id} error={error} hint={hint}>
      {(aria) => (
        <select
          {...aria}
          className="block w-full rounded-md border-0 bg-white px-3 py-2 text-sm touch:text-base ring-1 touch:min-h-11 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 aria-invalid:ring-red-500 disabled:bg-slate-50 disabled:text-slate-500"
          {...props}
        >
          {children}
        </select>
      )}
    </FieldShell>
  );
}
