"use client";
// Operators' account APIs: find (GET /api/operator/accounts?q=), view one, set its tier, suspend /
// lift, and set count quotas (PUT /api/operator/accounts/{id}/quotas/{name}).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AccountListItem } from "@/lib/billing/find-accounts";
import type { AccountDetail } from "@/lib/billing/get-account-detail";
import type { QuotaView } from "@/lib/quotas/list-quotas";
import type { PurchaseView } from "@/lib/payments/list-purchases";
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

const purchasesKey = (id: string) => ["operator", "account", id, "purchases"] as const;

/** The account's credit purchases with what is left to refund (GET /api/operator/accounts/{id}/purchases). */
export function usePurchases(id: string, opts: { awaitingRefund?: boolean } = {}) {
  return useQuery({
    queryKey: purchasesKey(id),
    queryFn: ({ signal }) => api<{ purchases: PurchaseView[] }>(`${base(id)}/purchases`, { signal }),
    // A refund shows as refunded once Stripe's charge.refunded has arrived (seconds): poll fast meanwhile.
    refetchInterval: opts.awaitingRefund ? 1_000 : 15_000,
  });
}

export interface RefundResult {
  refundId: string;
  purchaseId: string;
  amountUsd: string;
  status: string;
}

/**
 * POST /api/operator/accounts/{id}/refunds. `idempotencyKey` names this refund: a retried click
 * (a timeout, a double submit) is the same refund, never a second one.
 */
export function useRefund(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { purchaseId: string; amountUsd?: string; reason: string; idempotencyKey: string }) =>
      api<RefundResult>(`${base(id)}/refunds`, {
        method: "POST",
        body: { purchaseId: input.purchaseId, amountUsd: input.amountUsd, reason: input.reason },
        headers: { "idempotency-key": input.idempotencyKey },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: purchasesKey(id) });
      void client.invalidateQueries({ queryKey: detailKey(id) });
    },
  });
}
