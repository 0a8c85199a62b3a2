"use client";
// A single choice among a few options (e.g. time ranges), as a radio group: arrow keys move, Tab leaves.
// Each option is its label (the radio button itself is visually hidden): 44 px square at least on phones.
import { useId } from "react";

export function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
}) {
  const name = useId();
  return (
    <fieldset className="inline-flex rounded-md bg-slate-100 p-0.5">
      <legend className="sr-only">{label}</legend>
      {options.map((o) => (
        <label
          key={o.value}
          className="inline-flex cursor-pointer items-center justify-center rounded px-3 py-1.5 text-sm font-medium touch:min-h-11 touch:min-w-11 text-slate-600 has-checked:bg-white has-checked:text-slate-900 has-checked:shadow-sm has-focus-visible:outline-2 has-focus-visible:outline-indigo-600"
        >
          <input
            type="radio"
            className="sr-only"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
