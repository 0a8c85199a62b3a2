// A determinate progress bar (role=progressbar) of fixed height: updates never move the layout.
export function ProgressBar({ percent, label, tone }: { percent: number; label: string; tone?: "auto" | "indigo" | "emerald" }) {
  const pct = Math.max(0, Math.min(100, Math.round(percent)));
  const colour =
    tone === "emerald"
      ? "bg-emerald-500"
      : tone === "indigo"
        ? "bg-indigo-500"
        : pct >= 100
          ? "bg-red-500"
          : pct >= 80
            ? "bg-amber-500"
            : "bg-indigo-500";
  return (
    <div
      className="h-3 w-full overflow-hidden rounded-full bg-slate-100"
      role="progressbar"
      aria-label={label}
      aria-valuenow={pct}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <div className={`h-full transition-[width] duration-300 ${colour}`} style={{ width: `${pct}%` }} />
    </div>
  );
}
