"use client";
// GET/POST /api/v1/deployments, PATCH/DELETE /api/v1/deployments/{id} — on-demand deployments:
// create, start/stop and scale (PATCH), DELETE (which the API answers by stopping it).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeploymentView } from "@/lib/resources/deployments/view";
import type { CreateDeploymentInput, UpdateDeploymentInput } from "@/lib/resources/schemas";
import { api } from "@/components/console/api";
import { accountKey } from "@/components/account/hooks/use-account";
import { quotasKey } from "@/components/quotas/hooks/use-quotas";

export type Deployment = DeploymentView;
export const deploymentsKey = ["deployments"] as const;

/** A deployment in `starting` turns `running` within about a minute and a half: look more often then. */
export function deploymentsRefetchMs(deployments: readonly Deployment[] | undefined): number {
  return deployments?.some((d) => d.state === "starting") ? 5_000 : 20_000;
}

export function useDeployments(opts: { initialData?: { deployments: Deployment[] } } = {}) {
  return useQuery({
    queryKey: deploymentsKey,
    queryFn: ({ signal }) => api<{ deployments: Deployment[] }>("/api/v1/deployments", { signal }),
    initialData: opts.initialData,
    refetchInterval: (query) => deploymentsRefetchMs(query.state.data?.deployments),
  });
}

function useInvalidate() {
  const client = useQueryClient();
  // GPUs held change the quotas; stopping charges minutes (spend, credits).
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: deploymentsKey }),
      client.invalidateQueries({ queryKey: quotasKey }),
      client.invalidateQueries({ queryKey: accountKey }),
    ]);
}

export function useCreateDeployment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: CreateDeploymentInput) => api<Deployment>("/api/v1/deployments", { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateDeployment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, change }: { id: string; change: UpdateDeploymentInput }) =>
      api<Deployment>(`/api/v1/deployments/${encodeURIComponent(id)}`, { method: "PATCH", body: change }),
    onSuccess: invalidate,
  });
}

export function useDeleteDeployment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api<Deployment>(`/api/v1/deployments/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}
