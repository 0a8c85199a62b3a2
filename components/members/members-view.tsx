"use client";
// /members: invite people (owners), the account's members with their role, and the pending
// invitations. Owners change roles, remove members and revoke invitations; anyone can leave. Every
// change is confirmed first; an account always keeps an owner (the API refuses otherwise, and the
// buttons that would break it say why they are disabled).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ApiError } from "@/components/console/api";
import { stripParam } from "@/components/console/form-errors";
import { InviteForm } from "./invite-form";
import { InvitationList } from "./invitation-list";
import { MemberList } from "./member-list";
import { describeAction, type MemberAction } from "./member-actions";
import { useReopenConsole } from "./hooks/use-accounts";
import { useMembers, useRemoveMember, useRevokeInvitation, useSetMemberRole, type MembersData } from "./hooks/use-members";

export function MembersView({ initial, canManage }: { initial?: MembersData; canManage: boolean }) {
  const router = useRouter();
  const reopenConsole = useReopenConsole();
  const query = useMembers({ initialData: initial });
  const setRole = useSetMemberRole();
  const remove = useRemoveMember();
  const revoke = useRevokeInvitation();
  const [pending, setPending] = useState<MemberAction | null>(null);
  const [error, setError] = useState<{ where: "members" | "invitations"; message: string } | null>(null);
  const busy = setRole.isPending || remove.isPending || revoke.isPending;

  function ask(action: MemberAction) {
    setError(null);
    setPending(action);
  }

  async function onConfirm() {
    if (!pending) return;
    const action = pending;
    try {
      if (action.kind === "role") {
        await setRole.mutateAsync({ userId: action.member.userId, role: action.role });
        // Your own role decides which controls this page (and every other) offers.
        if (action.member.you) router.refresh();
      } else if (action.kind === "revoke") {
        await revoke.mutateAsync(action.invitation.id);
      } else {
        await remove.mutateAsync(action.member.userId);
        // Having left, this account is no longer yours to look at: start again from the overview.
        if (action.kind === "leave") return reopenConsole();
      }
      setPending(null);
    } catch (err) {
      setPending(null);
      setError({
        where: action.kind === "revoke" ? "invitations" : "members",
        // e.g. 409 "role: the account must keep at least one owner…": no field to sit by here.
        message:
          err instanceof ApiError && err.param
            ? stripParam(err.message, err.param)
            : err instanceof Error
              ? err.message
              : "The change failed.",
      });
    }
  }

  const data = query.data;
  const described = pending ? describeAction(pending) : null;
  return (
    <div className="space-y-6">
      <Card title="Invite someone">
        <InviteForm canManage={canManage} />
      </Card>

      <Card title="Members">
        {error?.where === "members" && (
          <div className="mb-3">
            <Alert tone="error">{error.message}</Alert>
          </div>
        )}
        {data ? (
          <MemberList members={data.members} canManage={canManage} onAction={ask} />
        ) : query.isError ? (
          <Alert tone="error">{query.error.message}</Alert>
        ) : (
          <p className="text-sm text-slate-500">Loading…</p>
        )}
      </Card>

      <Card title="Pending invitations">
        {error?.where === "invitations" && (
          <div className="mb-3">
            <Alert tone="error">{error.message}</Alert>
          </div>
        )}
        {data ? (
          <InvitationList
            invitations={data.invitations}
            canManage={canManage}
            onRevoke={(invitation) => ask({ kind: "revoke", invitation })}
          />
        ) : (
          <p className="text-sm text-slate-500">{query.isError ? "—" : "Loading…"}</p>
        )}
      </Card>

      <ConfirmDialog
        open={pending !== null}
        title={described?.title ?? ""}
        confirmLabel={described?.confirm ?? ""}
        tone={described?.tone}
        pending={busy}
        onConfirm={onConfirm}
        onCancel={() => setPending(null)}
      >
        {described?.body}
      </ConfirmDialog>
    </div>
  );
}
