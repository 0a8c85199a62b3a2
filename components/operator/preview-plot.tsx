"use client";
// The Recharts plot of the policy preview, in its own module so the library loads lazily.
import { CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from "recharts";
import { compact } from "@/components/usage/transform";
import { formatMinute, type PreviewRow } from "./policy-transform";

export function PreviewPlot({ rows }: { rows: PreviewRow[] }) {
  return (
    <ComposedChart data={rows} responsive style={{ width: "100%", height: "100%" }} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <XAxis
        dataKey="minute"
        type="number"
        domain={["dataMin", "dataMax"]}
        tickFormatter={(m: number) => formatMinute(m)}
        minTickGap={32}
        tick={{ fontSize: 11, fill: "#64748b" }}
      />
      <YAxis width={44} tickFormatter={compact} tick={{ fontSize: 11, fill: "#64748b" }} allowDecimals={false} />
      <Tooltip isAnimationActive={false} labelFormatter={(m) => `minute ${m}`} />
      <Line type="stepAfter" dataKey="limitRpm" name="RPM limit" stroke="#4f46e5" strokeWidth={2} dot={false} isAnimationActive={false} />
      <Line type="linear" dataKey="sent" name="Sent" stroke="#94a3b8" strokeDasharray="4 3" dot={false} isAnimationActive={false} />
      <Line type="linear" dataKey="rejected" name="Rejected (429)" stroke="#dc2626" dot={false} isAnimationActive={false} />
    </ComposedChart>
  );
}
