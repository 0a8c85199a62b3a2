// Labelled <textarea> with its error beneath, like Field.
import type { TextareaHTMLAttributes } from "react";
import { FieldShell, type FieldShellProps } from "./field-shell";

export function TextareaField({ label, error, id, hint, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & FieldShellProps) {
  return (
    <FieldShell label={label} id={id} error={error} hint={hint}>
      {(aria) => (
        <textarea
          {...aria}
          rows={3}
          className="block w-full rounded-md border-0 px-3 py-2 text-sm touch:text-base ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 aria-invalid:ring-red-500 disabled:bg-slate-50"
          {...props}
        />
      )}
    </FieldShell>
  );
}
