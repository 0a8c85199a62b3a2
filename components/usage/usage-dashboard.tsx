"use client";
// /usage: per model, live charts of RPM / ITPM / OTPM used against the dynamic limit, over-limit and
// 429 counts, for 15 min … 7 d; and the current headroom of every model.
import { useMemo, useState } from "react";
import { Card } from "@/components/ui/card";
import { Segmented } from "@/components/ui/segmented";
import { SelectField } from "@/components/ui/select-field";
import { Table } from "@/components/ui/table";
import type { UsageSeries } from "@/lib/usage/usage-series";
import { CountsChart } from "./counts-chart";
import { HeadroomTable } from "./headroom-table";
import { useRateLimits, type RateLimit } from "./hooks/use-rate-limits";
import { useUsage } from "./hooks/use-usage";
import { UsageChart } from "./usage-chart";
import { DIMS, RANGES, defaultModel, emptyPoints, formatTick, modelNames, toChartRows, totals, type RangeKey } from "./transform";

export function UsageDashboard({
  initialRange,
  initialUsage,
  initialRateLimits,
  renderedAt,
}: {
  renderedAt: number;
  initialRange: RangeKey;
  initialUsage: UsageSeries;
  initialRateLimits: RateLimit[];
}) {
  const [range, setRange] = useState<RangeKey>(initialRange);
  const [picked, setPicked] = useState<string | null>(null);
  const usage = useUsage(range, { initialData: range === initialRange ? initialUsage : undefined });
  const limits = useRateLimits({ initialData: { rateLimits: initialRateLimits } });
  const data = usage.data ?? initialUsage;
  const rateLimits = limits.data?.rateLimits ?? initialRateLimits;
  const names = useMemo(() => modelNames(data, rateLimits), [data, rateLimits]);
  const model = picked && names.includes(picked) ? picked : defaultModel(data, names);

  const points = useMemo(() => data.series.find((s) => s.model === model)?.points ?? emptyPoints(data), [data, model]);
  const live = rateLimits.find((r) => r.model === model)?.limits ?? null;
  // The bucket in progress is judged against the time of the data (the server's render at first,
  // so the hydrated page matches it; then each refetch's time).
  const now = Math.min(usage.isFetchedAfterMount ? usage.dataUpdatedAt : renderedAt, Date.parse(data.until));
  const rows = useMemo(
    () => toChartRows(points, { bucketMinutes: data.bucketMinutes, now, live }),
    [points, data.bucketMinutes, now, live],
  );
  const sum = totals(points);
  const spanMinutes = (Date.parse(data.until) - Date.parse(data.since)) / 60_000;
  const bucketLabel = data.bucketMinutes === 1 ? "minute" : data.bucketMinutes === 60 ? "hour" : "day";

  function changeRange(next: RangeKey) {
    setRange(next);
    const url = new URL(window.location.href);
    url.searchParams.set("range", next);
    window.history.replaceState(null, "", url);
  }

  return (
    <div className="space-y-6">
      <Card title="Headroom now" action={<LiveDot fetching={limits.isFetching} error={limits.isError} />}>
        <p className="mb-3 text-sm text-slate-600">
          Limits grow while you use most of them (sustained minutes) and decay when idle. Over the limit, requests are served at lower
          priority; at twice the limit they get 429.
        </p>
        <HeadroomTable rateLimits={rateLimits} selected={model} onSelect={setPicked} />
      </Card>

      <section aria-labelledby="charts-heading" className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="charts-heading" className="text-lg font-semibold">
            Usage against limits
          </h2>
          <div className="flex flex-wrap items-end gap-3">
            <div className="w-56">
              <SelectField id="usage-model" label="Model" value={model ?? ""} onChange={(e) => setPicked(e.target.value)}>
                {names.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </SelectField>
            </div>
            <Segmented
              label="Time range"
              options={RANGES.map((r) => ({ value: r.key, label: r.label }))}
              value={range}
              onChange={changeRange}
            />
          </div>
        </div>

        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4" aria-live="off">
          <Stat label="Requests" value={sum.requests} testId="total-requests" />
          <Stat label="Over limit" value={sum.overLimit} testId="total-over-limit" />
          <Stat label="429 rate limited" value={sum.rejected429} testId="total-429" />
          <Stat label="402 billing blocked" value={sum.rejected402} testId="total-402" />
        </dl>

        <div className="grid gap-4 lg:grid-cols-3" data-testid="usage-charts" data-model={model ?? ""} data-range={range}>
          {DIMS.map((d) => (
            <UsageChart
              key={d.key}
              rows={rows}
              dim={d.key}
              label={d.label}
              unit={d.unit}
              spanMinutes={spanMinutes}
              untilMs={Date.parse(data.until)}
            />
          ))}
        </div>
        <CountsChart rows={rows} spanMinutes={spanMinutes} bucketLabel={bucketLabel} />

        {/* The charts' numbers, for screen readers and anyone who wants them exact: closed at first (up to
            168 rows), and when open a compact table scrolling in a frame of fixed height, so the 2-second
            refreshes never move the page. */}
        <details className="rounded-lg bg-white text-sm shadow-sm ring-1 ring-slate-200">
          <summary className="cursor-pointer rounded-lg px-5 py-3 font-medium text-slate-700 focus-visible:outline-offset-[-2px]">
            Chart data as a table
          </summary>
          <div className="px-5 pt-1 pb-2">
            <Table
              label={`Usage of ${model ?? "the model"} per ${bucketLabel}`}
              layout="scroll"
              className="max-h-96"
              rows={[...rows].reverse()}
              rowKey={(r) => String(r.t)}
              columns={[
                {
                  id: "time",
                  header: "Time",
                  kind: "title",
                  cell: (r) => `${formatTick(r.t, spanMinutes)}${r.partial ? " (so far)" : ""}`,
                },
                { id: "rpm", align: "right", header: "RPM used", cell: (r) => num(r.requests) },
                { id: "rpm-limit", align: "right", header: "RPM limit", cell: (r) => num(r.limitRequests) },
                {
                  id: "itpm",
                  align: "right",
                  header: "ITPM used / limit",
                  cell: (r) => `${num(r.tokensPrompt)} / ${num(r.limitTokensPrompt)}`,
                },
                {
                  id: "otpm",
                  align: "right",
                  header: "OTPM used / limit",
                  cell: (r) => `${num(r.tokensGenerated)} / ${num(r.limitTokensGenerated)}`,
                },
                { id: "over-limit", align: "right", header: "Over limit", cell: (r) => num(r.overLimit) },
                { id: "429", align: "right", header: "429", cell: (r) => num(r.rejected429) },
                { id: "402", align: "right", header: "402", cell: (r) => num(r.rejected402) },
              ]}
            />
          </div>
        </details>
        {usage.isError && <p className="text-sm text-red-700">Could not refresh the usage data; retrying.</p>}
      </section>
    </div>
  );
}

/** A number of the data table, with thousands separators; a limit not yet known is a dash. */
const num = (v: number | null) => (v === null ? "—" : v.toLocaleString("en-US"));

function Stat({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums" data-testid={testId}>
        {value.toLocaleString("en-US")}
      </dd>
    </div>
  );
}

function LiveDot({ fetching, error }: { fetching: boolean; error: boolean }) {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-slate-500">
      <span aria-hidden="true" className={`size-2 rounded-full ${error ? "bg-red-500" : fetching ? "bg-emerald-400" : "bg-emerald-600"}`} />
      {error ? "reconnecting" : "live · every 2 s"}
    </span>
  );
}
