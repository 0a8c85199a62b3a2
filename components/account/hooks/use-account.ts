"use client";
// GET /api/v1/account — one query shared by the banner, the overview and billing.
import { useQuery } from "@tanstack/react-query";
import type { AccountSummary } from "@/lib/billing/get-account-summary";
import { api } from "@/components/console/api";

export type Account = AccountSummary;
export const accountKey = ["account"] as const;

export function useAccount(opts: { initialData?: Account; refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: accountKey,
    queryFn: ({ signal }) => api<Account>("/api/v1/account", { signal }),
    initialData: opts.initialData,
    // Suspensions lift within a second of the event (SPEC §5): keep the banner close to the truth.
    refetchInterval: opts.refetchInterval ?? 10_000,
  });
}
