"use client";
// GET /api/v1/rate-limits — current limits and remaining headroom per model (the x-ratelimit-* numbers).
import { useQuery } from "@tanstack/react-query";
import type { RateLimitView } from "@/lib/usage/get-rate-limits";
import { api } from "@/components/console/api";
import { LIVE_MS } from "./use-usage";

export type RateLimit = RateLimitView;

export function useRateLimits(opts: { live?: boolean; initialData?: { rateLimits: RateLimit[] } } = {}) {
  return useQuery({
    queryKey: ["rate-limits"],
    queryFn: ({ signal }) => api<{ rateLimits: RateLimit[] }>("/api/v1/rate-limits", { signal }),
    initialData: opts.initialData,
    refetchInterval: opts.live === false ? false : LIVE_MS,
    staleTime: 1_000,
  });
}
