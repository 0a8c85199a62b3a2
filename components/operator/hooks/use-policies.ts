"use client";
// Operators' rate-limit policies: GET /api/operator/policies, PUT /api/operator/policies/{model},
// and the simulator's preview (POST /api/operator/policies/preview) for a policy being edited.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Policy } from "@/lib/limits/policy";
import type { ModelPolicyView } from "@/lib/limits/policy-store";
import type { PreviewSummary } from "@/lib/limits/preview-policy";
import type { SimulatedMinute } from "@/lib/limits/simulate";
import { api } from "@/components/console/api";

export type ModelPolicy = ModelPolicyView;
export interface Preview {
  minutes: SimulatedMinute[];
  summary: PreviewSummary;
}
export interface PreviewRequest {
  policy: Policy;
  traffic: string;
  minutes: number;
  modelLoadPct: number;
}
const key = ["operator", "policies"] as const;

export function usePolicies(opts: { initialData?: { policies: ModelPolicy[] } } = {}) {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<{ policies: ModelPolicy[] }>("/api/operator/policies", { signal }),
    initialData: opts.initialData,
  });
}

export function useSavePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { model: string; policy: Policy }) =>
      api<ModelPolicy>(`/api/operator/policies/${encodeURIComponent(input.model)}`, { method: "PUT", body: { policy: input.policy } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

/** The preview of a valid draft (null: nothing to preview, e.g. while the form has errors). */
export function usePolicyPreview(request: PreviewRequest | null) {
  return useQuery({
    queryKey: ["operator", "policy-preview", request],
    queryFn: ({ signal }) => api<Preview>("/api/operator/policies/preview", { method: "POST", body: request, signal }),
    enabled: request !== null,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
}
