"use client";
// Current limits and what is left of them, per model: the numbers of the x-ratelimit-* headers.
import { Badge } from "@/components/ui/badge";
import { Table } from "@/components/ui/table";
import { TAP_TARGET } from "@/components/ui/tap-target";
import type { RateLimit } from "./hooks/use-rate-limits";
import { remainingPercent } from "./transform";

function Cell({ remaining, limit }: { remaining: number; limit: number }) {
  return (
    <span className="inline-flex min-w-[14ch] flex-col">
      <span>
        {remaining.toLocaleString("en-US")} <span className="text-slate-400">/ {limit.toLocaleString("en-US")}</span>
      </span>
      <span className="mt-1 h-1 w-full overflow-hidden rounded bg-slate-100" aria-hidden="true">
        <span className="block h-full bg-emerald-500" style={{ width: `${remainingPercent(remaining, limit)}%` }} />
      </span>
    </span>
  );
}

export function HeadroomTable({
  rateLimits,
  selected,
  onSelect,
}: {
  rateLimits: RateLimit[];
  selected: string | null;
  onSelect: (model: string) => void;
}) {
  return (
    <Table
      label="Current rate limits and remaining headroom per model"
      width="wide"
      rows={rateLimits}
      rowKey={(r) => r.model}
      rowProps={(r) => ({ "data-testid": `headroom-${r.model}`, className: r.model === selected ? "bg-indigo-50/50" : undefined })}
      columns={[
        {
          id: "model",
          header: "Model",
          kind: "title",
          cell: (r) => (
            <button
              type="button"
              className={`font-mono text-xs text-indigo-700 hover:underline aria-pressed:font-semibold ${TAP_TARGET}`}
              aria-pressed={r.model === selected}
              onClick={() => onSelect(r.model)}
            >
              {r.model}
            </button>
          ),
        },
        {
          id: "requests",
          header: "Requests left / RPM",
          cell: (r) => <Cell remaining={r.remaining.requests} limit={r.limits.requests} />,
          valueProps: () => ({ "data-testid": "limit-requests" }),
        },
        {
          id: "prompt",
          header: "Prompt tokens left / ITPM",
          cell: (r) => <Cell remaining={r.remaining.tokensPrompt} limit={r.limits.tokensPrompt} />,
        },
        {
          id: "generated",
          header: "Generated tokens left / OTPM",
          cell: (r) => <Cell remaining={r.remaining.tokensGenerated} limit={r.limits.tokensGenerated} />,
        },
        {
          id: "state",
          header: "State",
          cell: (r) => (r.overLimit ? <Badge tone="warning">over limit</Badge> : <Badge tone="success">in limit</Badge>),
        },
        { id: "sustained", header: "Sustained min", cell: (r) => r.sustainedMinutes.toLocaleString("en-US") },
      ]}
    />
  );
}
