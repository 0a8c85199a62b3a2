"use client";
// Current limits and what is left of them, per model: the numbers of the x-ratelimit-* headers.
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
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
    <Table label="Current rate limits and remaining headroom per model">
      <thead>
        <tr>
          <Th>Model</Th>
          <Th>Requests left / RPM</Th>
          <Th>Prompt tokens left / ITPM</Th>
          <Th>Generated tokens left / OTPM</Th>
          <Th>State</Th>
          <Th>Sustained min</Th>
        </tr>
      </thead>
      <tbody>
        {rateLimits.map((r) => (
          <tr key={r.model} data-testid={`headroom-${r.model}`} className={r.model === selected ? "bg-indigo-50/50" : undefined}>
            <Td>
              <button
                type="button"
                className="font-mono text-xs text-indigo-700 hover:underline aria-pressed:font-semibold"
                aria-pressed={r.model === selected}
                onClick={() => onSelect(r.model)}
              >
                {r.model}
              </button>
            </Td>
            <Td data-testid="limit-requests">
              <Cell remaining={r.remaining.requests} limit={r.limits.requests} />
            </Td>
            <Td>
              <Cell remaining={r.remaining.tokensPrompt} limit={r.limits.tokensPrompt} />
            </Td>
            <Td>
              <Cell remaining={r.remaining.tokensGenerated} limit={r.limits.tokensGenerated} />
            </Td>
            <Td>{r.overLimit ? <Badge tone="warning">over limit</Badge> : <Badge tone="success">in limit</Badge>}</Td>
            <Td>{r.sustainedMinutes.toLocaleString("en-US")}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
