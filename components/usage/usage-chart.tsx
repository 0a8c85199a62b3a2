"use client";
// One dimension of one model: per-minute usage (area) against the dynamic limit (stepped line).
// Fixed-height frame and no animation, so 2-second refreshes never move anything on the page.
// The frame (caption, figures, legend) is here; the plot itself is in ./plots, loaded lazily.
import dynamic from "next/dynamic";
import { compact, limitSpan, type ChartRow, type Dim } from "./transform";

// Recharts (~125 kB gzipped) loads after the page is interactive; the frame has its final size
// from the first paint, so nothing moves when the plot arrives.
const UsagePlot = dynamic(() => import("./plots").then((m) => m.UsagePlot), { ssr: false });

export function UsageChart({
  rows,
  dim,
  label,
  unit,
  spanMinutes,
  untilMs,
}: {
  untilMs: number;
  rows: ChartRow[];
  dim: Dim;
  label: string;
  unit: string;
  spanMinutes: number;
}) {
  const span = limitSpan(rows, dim);
  const latest = rows[rows.length - 1];
  const captionId = `chart-${dim}-caption`;
  return (
    <figure
      className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-testid={`chart-${dim}`}
      data-limit-first={span.first ?? ""}
      data-limit-last={span.last ?? ""}
      data-limit-min={span.min ?? ""}
      aria-labelledby={captionId}
    >
      <figcaption id={captionId} className="flex items-baseline justify-between gap-2">
        <span className="text-sm font-semibold text-slate-700">
          {label} <span className="font-normal text-slate-500">({unit})</span>
        </span>
        <span className="min-w-[9ch] text-right text-sm text-slate-600 tabular-nums" data-testid={`current-${dim}`}>
          {compact(latest?.[dim] ?? 0)} / {span.last === null ? "—" : compact(span.last)}
        </span>
      </figcaption>
      <div className="mt-2 h-44 w-full" aria-hidden="true">
        <UsagePlot rows={rows} dim={dim} spanMinutes={spanMinutes} untilMs={untilMs} />
      </div>
      <p className="mt-1 flex gap-4 text-xs text-slate-500">
        <span className="inline-flex items-center gap-1">
          <span aria-hidden="true" className="inline-block h-0.5 w-4 bg-indigo-600" /> used
        </span>
        <span className="inline-flex items-center gap-1">
          <span aria-hidden="true" className="inline-block w-4 border-t-2 border-dashed border-red-600" /> limit
        </span>
      </p>
    </figure>
  );
}
