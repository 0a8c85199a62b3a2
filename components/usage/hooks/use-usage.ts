"use client";
// GET /api/v1/usage for a range — live (every 2 s) while the page is visible; React Query pauses
// interval refetches in background tabs. The previous range stays on screen while the next loads.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { UsageSeries } from "@/lib/usage/usage-series";
import { api } from "@/components/console/api";
import { usagePath, type RangeKey } from "../transform";

export const LIVE_MS = 2_000;

export function useUsage(range: RangeKey, opts: { live?: boolean; initialData?: UsageSeries } = {}) {
  return useQuery({
    queryKey: ["usage", range],
    queryFn: ({ signal }) => api<UsageSeries>(usagePath(range), { signal }),
    initialData: opts.initialData,
    placeholderData: keepPreviousData,
    refetchInterval: opts.live === false ? false : LIVE_MS,
    staleTime: 1_000,
  });
}
