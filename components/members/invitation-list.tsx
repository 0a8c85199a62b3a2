"use client";
// Invitations not yet accepted, newest first; an owner may revoke one (its link stops working).
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { dateTime, timeAgo } from "@/components/account/format";
import { ROLE_LABEL, expiresIn } from "./format";
import type { Invitation } from "./hooks/use-members";

const OWNER_NOTE_ID = "invitations-owner";

export function InvitationList({
  invitations,
  canManage,
  onRevoke,
}: {
  invitations: Invitation[];
  canManage: boolean;
  onRevoke: (invitation: Invitation) => void;
}) {
  if (invitations.length === 0) return <p className="text-sm text-slate-600">No pending invitations.</p>;
  return (
    <div className="space-y-3">
      <ul aria-label="Pending invitations" className="divide-y divide-slate-100 border-y border-slate-100">
        {invitations.map((inv) => (
          <li key={inv.id} data-testid={`invitation-${inv.email}`} className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3">
            <div className="min-w-0 flex-1 basis-56">
              <p className="font-medium break-all">{inv.email}</p>
              <p className="text-xs text-slate-500">
                {inv.invitedBy ? `Invited by ${inv.invitedBy}` : "Invited"}{" "}
                <span title={dateTime(inv.createdAt)} suppressHydrationWarning>
                  {timeAgo(inv.createdAt)}
                </span>
              </p>
            </div>
            <div className="flex w-48 shrink-0 items-center gap-2 text-xs text-slate-500">
              <Badge tone={inv.role === "owner" ? "info" : "neutral"}>{ROLE_LABEL[inv.role].toLowerCase()}</Badge>
              <span title={`Expires ${dateTime(inv.expiresAt)}`} suppressHydrationWarning>
                expires {expiresIn(inv.expiresAt)}
              </span>
            </div>
            <Button
              type="button"
              variant="secondary"
              className="shrink-0 px-2.5 py-1"
              disabled={!canManage}
              aria-describedby={canManage ? undefined : OWNER_NOTE_ID}
              aria-label={`Revoke the invitation for ${inv.email}`}
              onClick={() => onRevoke(inv)}
            >
              Revoke
            </Button>
          </li>
        ))}
      </ul>
      {!canManage && <OwnerOnlyNote id={OWNER_NOTE_ID} what="revoke invitations" />}
    </div>
  );
}
