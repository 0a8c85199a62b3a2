// /usage — usage & rate limits: live charts per model against the dynamic limits, and headroom now.
import type { Metadata } from "next";
import { getRateLimits } from "@/lib/usage/get-rate-limits";
import { usageQuerySchema } from "@/lib/usage/schemas";
import { usageSeries } from "@/lib/usage/usage-series";
import { PageHeader } from "@/components/ui/page-header";
import { UsageDashboard } from "@/components/usage/usage-dashboard";
import { RANGES, isRangeKey, type RangeKey } from "@/components/usage/transform";
import { consoleCaller } from "../_lib/console-caller";

export const metadata: Metadata = { title: "Usage & rate limits" };

/** First paint's data, all read at one instant (the client's first rows are judged against it). */
async function load(accountId: string, range: RangeKey) {
  const now = new Date();
  const granularity = RANGES.find((r) => r.key === range)!.granularity;
  const [usage, rateLimits] = await Promise.all([
    usageSeries(accountId, usageQuerySchema.parse({ since: range, granularity }), now),
    getRateLimits(accountId, now.getTime()),
  ]);
  return { usage, rateLimits, renderedAt: now.getTime() };
}

export default async function UsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const caller = await consoleCaller();
  const requested = (await searchParams).range;
  const range = isRangeKey(requested) ? requested : "15m";
  const { usage, rateLimits, renderedAt } = await load(caller.accountId, range);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Usage & rate limits"
        description="Per model: requests, prompt tokens and generated tokens per minute against your dynamic limits. Updates every 2 seconds."
      />
      <UsageDashboard renderedAt={renderedAt} initialRange={range} initialUsage={usage} initialRateLimits={rateLimits} />
    </div>
  );
}
