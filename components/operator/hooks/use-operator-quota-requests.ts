"use client";
// Operators' quota-request queue: GET /api/operator/quota-requests?status=, approve ({note?}), deny ({reason}).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { OperatorQuotaRequestView } from "@/lib/quotas/requests/list-requests-for-operators";
import { api } from "@/components/console/api";

export type OperatorQuotaRequest = OperatorQuotaRequestView;
export type RequestFilter = "pending" | "approved" | "denied" | "all";

export function useOperatorQuotaRequests(status: RequestFilter, opts: { initialData?: { quotaRequests: OperatorQuotaRequest[] } } = {}) {
  return useQuery({
    queryKey: ["operator", "quota-requests", status],
    queryFn: ({ signal }) => api<{ quotaRequests: OperatorQuotaRequest[] }>(`/api/operator/quota-requests?status=${status}`, { signal }),
    initialData: opts.initialData,
    refetchInterval: 15_000,
  });
}

export function useDecideQuotaRequest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; decision: "approve"; note?: string } | { id: string; decision: "deny"; reason: string }) =>
      api(`/api/operator/quota-requests/${encodeURIComponent(input.id)}/${input.decision}`, {
        method: "POST",
        body: input.decision === "approve" ? (input.note ? { note: input.note } : {}) : { reason: input.reason },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["operator", "quota-requests"] }),
  });
}
