"use client";
// GET/POST /api/v1/members, PATCH/DELETE /api/v1/members/{userId}, DELETE
// /api/v1/members/invitations/{id}. An invitation's link is in the POST answer only.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/console/api";
import type { InvitationView } from "@/lib/accounts/invitations";
import type { MemberView } from "@/lib/accounts/list-members";

// The API's own shapes (type-only imports: nothing of lib/ reaches the browser bundle).
export type Role = MemberView["role"];
export type Member = MemberView;
export type Invitation = InvitationView;

export interface MembersData {
  members: Member[];
  invitations: Invitation[];
}

export interface CreatedInvitation {
  invitation: Invitation;
  acceptUrl: string;
  emailed: boolean;
}

const key = ["members"] as const;

export function useMembers(opts: { initialData?: MembersData } = {}) {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<MembersData>("/api/v1/members", { signal }),
    initialData: opts.initialData,
    refetchInterval: 30_000,
  });
}

export function useInviteMember() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: Role }) => api<CreatedInvitation>("/api/v1/members", { method: "POST", body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

const memberPath = (userId: string) => `/api/v1/members/${encodeURIComponent(userId)}`;

export function useSetMemberRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      api<{ member: Member }>(memberPath(userId), { method: "PATCH", body: { role } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

/** Removes a member; with the caller's own id it is "Leave account". */
export function useRemoveMember() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api<{ removed: true }>(memberPath(userId), { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useRevokeInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<{ revoked: true }>(`/api/v1/members/invitations/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
