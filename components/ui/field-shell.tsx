// What every labelled form control shares: the label, the hint and the error beneath, and the
// aria wiring that ties them to the control (Field, SelectField, TextareaField).
import type { ReactNode } from "react";

export interface FieldShellProps {
  label: string;
  id: string;
  error?: string | null;
  hint?: string;
}

/** The props a control inside the shell spreads onto itself. */
export interface ControlAria {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

export function FieldShell({
  label,
  id,
  error,
  hint,
  describedBy,
  children,
}: FieldShellProps & { describedBy?: string; children: (aria: ControlAria) => ReactNode }) {
  const ids = [error ? `${id}-error` : null, hint ? `${id}-hint` : null, describedBy ?? null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": ids })}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
