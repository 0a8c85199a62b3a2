"use client";
// GET/POST /api/v1/api-keys, DELETE /api/v1/api-keys/{id}. The secret is in the POST answer only.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/console/api";

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  secret: string;
  createdAt: string;
}
const key = ["api-keys"] as const;

export function useApiKeys(opts: { initialData?: { apiKeys: ApiKey[] } } = {}) {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<{ apiKeys: ApiKey[] }>("/api/v1/api-keys", { signal }),
    initialData: opts.initialData,
    refetchInterval: 30_000,
  });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<CreatedApiKey>("/api/v1/api-keys", { method: "POST", body: { name } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<{ id: string; revoked: true }>(`/api/v1/api-keys/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
