"use client";
// GET/POST /api/v1/quota-requests — ask operators for more of a count quota, and follow the answers.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QuotaRequestView } from "@/lib/quotas/requests/view";
import type { CreateQuotaRequestInput } from "@/lib/quotas/schemas";
import { api } from "@/components/console/api";

export type QuotaRequest = QuotaRequestView;
const key = ["quota-requests"] as const;

export function useQuotaRequests(opts: { initialData?: { quotaRequests: QuotaRequest[] } } = {}) {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<{ quotaRequests: QuotaRequest[] }>("/api/v1/quota-requests", { signal }),
    initialData: opts.initialData,
    refetchInterval: 30_000,
  });
}

export function useCreateQuotaRequest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateQuotaRequestInput) => api<QuotaRequest>("/api/v1/quota-requests", { method: "POST", body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
