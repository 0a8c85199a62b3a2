"use client";
// POST /api/invitations/{token}/accept — public: the invitee may not have a sign-in yet.
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/console/api";
import type { Role } from "./use-members";

export interface AcceptInput {
  password?: string;
  name?: string;
}

export function useAcceptInvitation(token: string) {
  return useMutation({
    mutationFn: (input: AcceptInput) =>
      api<{ accountId: string; role: Role; created?: boolean }>(`/api/invitations/${encodeURIComponent(token)}/accept`, {
        method: "POST",
        body: input,
      }),
  });
}
