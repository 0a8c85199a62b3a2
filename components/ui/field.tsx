// Labelled input with its error shown beneath (and tied to it for screen readers).
import type { InputHTMLAttributes } from "react";

export function Field({
  label,
  error,
  id,
  hint,
  "aria-describedby": extraDescribedBy,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { label: string; id: string; error?: string | null; hint?: string }) {
  const describedBy =
    [error ? `${id}-error` : null, hint ? `${id}-hint` : null, extraDescribedBy ?? null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 disabled:bg-slate-50 disabled:text-slate-500 aria-invalid:ring-red-500"
        {...props}
      />
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
