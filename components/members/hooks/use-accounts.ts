"use client";
// GET /api/session/accounts (the signed-in user's accounts) and POST /api/session/account (which
// one the console shows; the server keeps the choice in a cookie).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { api } from "@/components/console/api";
import type { Role } from "./use-members";

export interface SessionAccount {
  accountId: string;
  name: string;
  role: Role;
  current: boolean;
}

export function useSessionAccounts() {
  return useQuery({
    queryKey: ["session-accounts"],
    queryFn: ({ signal }) => api<{ accounts: SessionAccount[] }>("/api/session/accounts", { signal }),
    staleTime: 60_000,
  });
}

/** Selects an account, then reopens the console on its overview with nothing cached from the other. */
export function useSelectAccount() {
  const reopen = useReopenConsole();
  return useMutation({
    mutationFn: (accountId: string) => api<{ accountId: string }>("/api/session/account", { method: "POST", body: { accountId } }),
    onSuccess: reopen,
  });
}

/**
 * The console's overview, rendered afresh: every query is per account and none is keyed by it, so
 * after the account changes (switched, joined, left) the cache is dropped and the server re-renders.
 */
export function useReopenConsole(): () => void {
  const client = useQueryClient();
  const router = useRouter();
  return () => {
    client.clear();
    router.push("/");
    router.refresh();
  };
}
