"use client";
// Over-limit admissions and rejections (429 rate limit, 402 billing) per bucket, as stacked bars.
import dynamic from "next/dynamic";
import type { ChartRow } from "./transform";

const CountsPlot = dynamic(() => import("./plots").then((m) => m.CountsPlot), { ssr: false });

export function CountsChart({ rows, spanMinutes, bucketLabel }: { rows: ChartRow[]; spanMinutes: number; bucketLabel: string }) {
  return (
    <figure
      className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-testid="chart-counts"
      aria-labelledby="chart-counts-caption"
    >
      <figcaption id="chart-counts-caption" className="text-sm font-semibold text-slate-700">
        Over-limit and rejected requests <span className="font-normal text-slate-500">(per {bucketLabel})</span>
      </figcaption>
      <div className="mt-2 h-40 w-full" aria-hidden="true">
        <CountsPlot rows={rows} spanMinutes={spanMinutes} />
      </div>
      <p className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
        <span className="inline-flex items-center gap-1">
          <span aria-hidden="true" className="inline-block size-2.5 rounded-sm bg-amber-500" /> over limit (served at lower priority)
        </span>
        <span className="inline-flex items-center gap-1">
          <span aria-hidden="true" className="inline-block size-2.5 rounded-sm bg-red-600" /> 429 rate limited
        </span>
        <span className="inline-flex items-center gap-1">
          <span aria-hidden="true" className="inline-block size-2.5 rounded-sm bg-slate-500" /> 402 billing blocked
        </span>
      </p>
    </figure>
  );
}
