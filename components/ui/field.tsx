// Labelled input with its error shown beneath (and tied to it for screen readers); 44 px tall on phones.
import type { InputHTMLAttributes } from "react";
import { FieldShell, type FieldShellProps } from "./field-shell";

export function Field({
  label,
  error,
  id,
  hint,
  "aria-describedby": extraDescribedBy,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & FieldShellProps) {
  return (
    <FieldShell label={label} id={id} error={error} hint={hint} describedBy={extraDescribedBy}>
      {(aria) => (
        <input
          {...aria}
          className="block w-full rounded-md border-0 px-3 py-2 text-sm touch:text-base ring-1 touch:min-h-11 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 disabled:bg-slate-50 disabled:text-slate-500 aria-invalid:ring-red-500"
          {...props}
        />
      )}
    </FieldShell>
  );
}
