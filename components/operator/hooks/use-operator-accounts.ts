"use client";
// Operators' account APIs: find (GET /api/operator/accounts?q=), view one, set its tier, suspend /
// lift, and set count quotas (PUT /api/operator/accounts/{id}/quotas/{name}).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AccountListItem } from "@/lib/billing/find-accounts";
import type { AccountDetail } from "@/lib/billing/get-account-detail";
import type { QuotaView } from "@/lib/quotas/list-quotas";
import { api } from "@/components/console/api";

export type OperatorAccount = AccountListItem;
export type OperatorAccountDetail = AccountDetail;

export function useAccountSearch(q: string, opts: { initialData?: { accounts: OperatorAccount[] } } = {}) {
  return useQuery({
    queryKey: ["operator", "accounts", q],
    queryFn: ({ signal }) => api<{ accounts: OperatorAccount[] }>(`/api/operator/accounts?q=${encodeURIComponent(q)}`, { signal }),
    initialData: opts.initialData,
    placeholderData: keepPreviousData,
  });
}

const detailKey = (id: string) => ["operator", "account", id] as const;
const quotasKey = (id: string) => ["operator", "account", id, "quotas"] as const;
const base = (id: string) => `/api/operator/accounts/${encodeURIComponent(id)}`;

export function useOperatorAccount(id: string, opts: { initialData?: OperatorAccountDetail } = {}) {
  return useQuery({
    queryKey: detailKey(id),
    queryFn: ({ signal }) => api<OperatorAccountDetail>(base(id), { signal }),
    initialData: opts.initialData,
    refetchInterval: 10_000,
  });
}

export function useOperatorQuotas(id: string, opts: { initialData?: { quotas: QuotaView[] } } = {}) {
  return useQuery({
    queryKey: quotasKey(id),
    queryFn: ({ signal }) => api<{ quotas: QuotaView[] }>(`${base(id)}/quotas`, { signal }),
    initialData: opts.initialData,
  });
}

function useAccountMutation<I, O>(id: string, call: (input: I) => Promise<O>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => client.invalidateQueries({ queryKey: detailKey(id) }),
  });
}

export function useSetTier(id: string) {
  return useAccountMutation(id, (input: { tier: string; note?: string }) =>
    api<{ tier: string; previousTier: string; status: string }>(`${base(id)}/tier`, { method: "POST", body: input }),
  );
}

export function useSuspend(id: string) {
  return useAccountMutation(id, (input: { reason: string }) =>
    api<{ status: string; alreadySuspended: boolean }>(`${base(id)}/suspend`, { method: "POST", body: input }),
  );
}

export function useUnsuspend(id: string) {
  return useAccountMutation(id, (input: { note: string }) =>
    api<{ status: string; remainingReasons: string[] }>(`${base(id)}/unsuspend`, { method: "POST", body: input }),
  );
}

export function useSetQuota(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; value: number }) =>
      api<QuotaView>(`${base(id)}/quotas/${encodeURIComponent(input.name)}`, { method: "PUT", body: { value: input.value } }),
    onSuccess: () => client.invalidateQueries({ queryKey: quotasKey(id) }),
  });
}
