"use client";
// The simulator's growth curve: the RPM limit minute by minute (stepped), the traffic sent, and the
// requests it would see rejected (429).
import dynamic from "next/dynamic";
import type { PreviewRow } from "./policy-transform";

// Recharts loads after the page is interactive, into a frame that already has its size.
const PreviewPlot = dynamic(() => import("./preview-plot").then((m) => m.PreviewPlot), { ssr: false });

export function PolicyPreviewChart({ rows, capRpm }: { rows: PreviewRow[]; capRpm: number }) {
  const last = rows[rows.length - 1];
  return (
    <figure className="space-y-2" data-testid="policy-preview" data-end-rpm={last?.limitRpm ?? ""} aria-labelledby="policy-preview-caption">
      <figcaption id="policy-preview-caption" className="text-sm font-semibold text-slate-700">
        Simulated limit over time <span className="font-normal text-slate-500">(cap {capRpm.toLocaleString("en-US")} RPM)</span>
      </figcaption>
      <div className="h-64 w-full" aria-hidden="true">
        <PreviewPlot rows={rows} />
      </div>
      <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
        <span className="inline-flex items-center gap-1">
          <span aria-hidden="true" className="inline-block h-0.5 w-4 bg-indigo-600" /> RPM limit
        </span>
        <span className="inline-flex items-center gap-1">
          <span aria-hidden="true" className="inline-block w-4 border-t-2 border-dashed border-slate-400" /> requests sent
        </span>
        <span className="inline-flex items-center gap-1">
          <span aria-hidden="true" className="inline-block h-0.5 w-4 bg-red-600" /> rejected (429)
        </span>
      </p>
    </figure>
  );
}
