"use client";
// GET/PUT /api/v1/auto-top-up — buy credits with the saved card when the balance runs low.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AutoTopUpInput } from "@/lib/billing/schemas";
import { api } from "@/components/console/api";

export interface AutoTopUp {
  enabled: boolean;
  thresholdUsd: string;
  amountUsd: string;
  monthlyMaxUsd: string;
  toppedUpThisMonthUsd?: string;
}
const key = ["auto-top-up"] as const;

export function useAutoTopUp(opts: { initialData?: AutoTopUp } = {}) {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<AutoTopUp>("/api/v1/auto-top-up", { signal }),
    initialData: opts.initialData,
  });
}

export function useSaveAutoTopUp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: AutoTopUpInput) => api<AutoTopUp>("/api/v1/auto-top-up", { method: "PUT", body: input }),
    onSuccess: (data) => client.setQueryData(key, data),
  });
}
