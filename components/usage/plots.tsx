"use client";
// The Recharts plots of the usage page, in their own module so the library loads lazily (see
// usage-chart.tsx). No animation: live refreshes redraw in place.
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from "recharts";
import { compact, formatTick, withClosingEdge, type ChartRow, type Dim } from "./transform";

const LIMIT_KEY = { requests: "limitRequests", tokensPrompt: "limitTokensPrompt", tokensGenerated: "limitTokensGenerated" } as const;

export function UsagePlot({ rows, dim, spanMinutes, untilMs }: { rows: ChartRow[]; dim: Dim; spanMinutes: number; untilMs: number }) {
  return (
    <ComposedChart
      data={withClosingEdge(rows, untilMs)}
      responsive
      style={{ width: "100%", height: "100%" }}
      margin={{ top: 6, right: 6, bottom: 0, left: 0 }}
    >
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={["dataMin", "dataMax"]}
        tickFormatter={(t: number) => formatTick(t, spanMinutes)}
        minTickGap={28}
        tick={{ fontSize: 11, fill: "#64748b" }}
      />
      <YAxis width={40} tickFormatter={compact} tick={{ fontSize: 11, fill: "#64748b" }} domain={[0, "auto"]} allowDecimals={false} />
      <Tooltip
        isAnimationActive={false}
        labelFormatter={(t) => formatTick(Number(t), spanMinutes > 24 * 60 ? spanMinutes : 24 * 60 + 1)}
        formatter={(v, name) => [typeof v === "number" ? v.toLocaleString("en-US") : String(v ?? "—"), String(name)]}
      />
      <Area
        type="stepAfter"
        dataKey={dim}
        name={`Used per minute`}
        stroke="#4f46e5"
        fill="#6366f1"
        fillOpacity={0.15}
        strokeWidth={2}
        isAnimationActive={false}
      />
      <Line
        type="stepAfter"
        dataKey={LIMIT_KEY[dim]}
        name="Limit"
        stroke="#dc2626"
        strokeDasharray="5 3"
        strokeWidth={2}
        dot={false}
        isAnimationActive={false}
      />
    </ComposedChart>
  );
}

export function CountsPlot({ rows, spanMinutes }: { rows: ChartRow[]; spanMinutes: number }) {
  return (
    <BarChart data={rows} responsive style={{ width: "100%", height: "100%" }} margin={{ top: 6, right: 6, bottom: 0, left: 0 }}>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={["dataMin", "dataMax"]}
        padding={{ left: 8, right: 8 }}
        tickFormatter={(t: number) => formatTick(t, spanMinutes)}
        minTickGap={28}
        tick={{ fontSize: 11, fill: "#64748b" }}
      />
      <YAxis width={40} tickFormatter={compact} allowDecimals={false} tick={{ fontSize: 11, fill: "#64748b" }} />
      <Tooltip isAnimationActive={false} labelFormatter={(t) => formatTick(Number(t), 24 * 60 + 1)} />
      <Bar dataKey="overLimit" name="Over limit (served, low priority)" stackId="c" fill="#f59e0b" isAnimationActive={false} />
      <Bar dataKey="rejected429" name="429 rate limited" stackId="c" fill="#dc2626" isAnimationActive={false} />
      <Bar dataKey="rejected402" name="402 billing blocked" stackId="c" fill="#64748b" isAnimationActive={false} />
    </BarChart>
  );
}
