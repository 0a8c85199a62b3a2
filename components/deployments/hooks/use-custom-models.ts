"use client";
// GET/POST /api/v1/models, DELETE /api/v1/models/{id} — custom models and LoRAs (deployed-models quota).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CustomModelView } from "@/lib/resources/custom-models/view";
import type { CreateCustomModelInput } from "@/lib/resources/schemas";
import { api } from "@/components/console/api";
import { quotasKey } from "@/components/quotas/hooks/use-quotas";

export type CustomModel = CustomModelView;
export const customModelsKey = ["custom-models"] as const;

export function useCustomModels(opts: { initialData?: { models: CustomModel[] } } = {}) {
  return useQuery({
    queryKey: customModelsKey,
    queryFn: ({ signal }) => api<{ models: CustomModel[] }>("/api/v1/models", { signal }),
    initialData: opts.initialData,
    refetchInterval: 30_000,
  });
}

export function useCreateCustomModel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateCustomModelInput) => api<CustomModel>("/api/v1/models", { method: "POST", body: input }),
    onSuccess: () =>
      Promise.all([client.invalidateQueries({ queryKey: customModelsKey }), client.invalidateQueries({ queryKey: quotasKey })]),
  });
}

export function useDeleteCustomModel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<{ id: string; deleted: true }>(`/api/v1/models/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () =>
      Promise.all([client.invalidateQueries({ queryKey: customModelsKey }), client.invalidateQueries({ queryKey: quotasKey })]),
  });
}
