"use client";
// GET/POST /api/v1/fine-tuning-jobs, POST …/{id}/cancel and …/{id}/resume — fine-tuning jobs,
// charged per training token as they progress; each holds a deployed-models slot until it ends.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FineTuningJobView } from "@/lib/resources/fine-tuning/view";
import type { CreateFineTuningJobInput } from "@/lib/resources/schemas";
import { api } from "@/components/console/api";
import { accountKey } from "@/components/account/hooks/use-account";
import { quotasKey } from "@/components/quotas/hooks/use-quotas";
import { customModelsKey } from "./use-custom-models";

export type FineTuningJob = FineTuningJobView;
export const fineTuningJobsKey = ["fine-tuning-jobs"] as const;

/** Queued and running jobs move every few seconds; finished ones do not. */
export function fineTuningRefetchMs(jobs: readonly FineTuningJob[] | undefined): number {
  return jobs?.some((j) => j.state === "queued" || j.state === "running") ? 5_000 : 30_000;
}

export function useFineTuningJobs(opts: { initialData?: { fineTuningJobs: FineTuningJob[] } } = {}) {
  return useQuery({
    queryKey: fineTuningJobsKey,
    queryFn: ({ signal }) => api<{ fineTuningJobs: FineTuningJob[] }>("/api/v1/fine-tuning-jobs", { signal }),
    initialData: opts.initialData,
    refetchInterval: (query) => fineTuningRefetchMs(query.state.data?.fineTuningJobs),
  });
}

function useInvalidate() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: fineTuningJobsKey }),
      client.invalidateQueries({ queryKey: quotasKey }),
      client.invalidateQueries({ queryKey: accountKey }),
      // A completed job's output is a LoRA of the account.
      client.invalidateQueries({ queryKey: customModelsKey }),
    ]);
}

export function useCreateFineTuningJob() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: CreateFineTuningJobInput) => api<FineTuningJob>("/api/v1/fine-tuning-jobs", { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useFineTuningJobAction() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: "cancel" | "resume" }) =>
      api<FineTuningJob>(`/api/v1/fine-tuning-jobs/${encodeURIComponent(id)}/${action}`, { method: "POST" }),
    onSuccess: invalidate,
  });
}
