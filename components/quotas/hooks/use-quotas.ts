"use client";
// GET /api/v1/quotas, PATCH /api/v1/quotas/monthly-spend-usd — the quotas and the owner's spend limit.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QuotaView } from "@/lib/quotas/list-quotas";
import { api } from "@/components/console/api";
import { accountKey } from "@/components/account/hooks/use-account";

export type Quota = QuotaView;
export type SpendQuota = Extract<QuotaView, { name: "monthly-spend-usd" }>;
export const quotasKey = ["quotas"] as const;

export function useQuotas(opts: { initialData?: { quotas: Quota[] } } = {}) {
  return useQuery({
    queryKey: quotasKey,
    queryFn: ({ signal }) => api<{ quotas: Quota[] }>("/api/v1/quotas", { signal }),
    initialData: opts.initialData,
    refetchInterval: 15_000,
  });
}

export function spendQuota(quotas: readonly Quota[] | undefined): SpendQuota | null {
  return (quotas?.find((q) => q.name === "monthly-spend-usd") as SpendQuota | undefined) ?? null;
}

export function useUpdateSpendLimit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (value: string) => api<SpendQuota>("/api/v1/quotas/monthly-spend-usd", { method: "PATCH", body: { value } }),
    onSuccess: async () => {
      // The limit changes the account's figures (and may lift spend_limit_reached).
      await Promise.all([client.invalidateQueries({ queryKey: quotasKey }), client.invalidateQueries({ queryKey: accountKey })]);
    },
  });
}
