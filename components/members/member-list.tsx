"use client";
// The account's members: who, role, since when, and the row's actions. Owners may change roles and
// remove people; everyone may leave. The last owner can be neither demoted nor removed, and the
// buttons say so rather than failing.
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { dateOnly } from "@/components/account/format";
import { ROLE_LABEL } from "./format";
import { who, type MemberAction } from "./member-actions";
import type { Member } from "./hooks/use-members";

const OWNER_NOTE_ID = "members-owner";
const LAST_OWNER_NOTE_ID = "members-last-owner";

export function MemberList({
  members,
  canManage,
  onAction,
}: {
  members: Member[];
  canManage: boolean;
  onAction: (action: MemberAction) => void;
}) {
  const owners = members.filter((m) => m.role === "owner").length;
  return (
    <div className="space-y-3">
      <ul aria-label="Members" className="divide-y divide-slate-100 border-y border-slate-100">
        {members.map((m) => {
          const lastOwner = m.role === "owner" && owners === 1;
          // The reason a button is disabled: for members, that only owners may; else the last owner.
          const reason = !canManage ? OWNER_NOTE_ID : lastOwner ? LAST_OWNER_NOTE_ID : undefined;
          const nextRole = m.role === "owner" ? "member" : "owner";
          return (
            <li key={m.userId} data-testid={`member-${m.email}`} className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3">
              <div className="min-w-0 flex-1 basis-56">
                <p className="font-medium break-words">
                  {who(m)}
                  {m.you && <span className="font-normal text-slate-500"> (you)</span>}
                </p>
                {m.name && <p className="text-xs break-all text-slate-500">{m.email}</p>}
              </div>
              <div className="flex w-48 shrink-0 items-center gap-2 text-xs text-slate-500">
                <Badge tone={m.role === "owner" ? "info" : "neutral"} data-testid="member-role">
                  {ROLE_LABEL[m.role].toLowerCase()}
                </Badge>
                <span title="Member since">since {dateOnly(m.since)}</span>
              </div>
              <div className="flex shrink-0 gap-2">
                <Button
                  type="button"
                  variant="secondary"
                  className="px-2.5 py-1"
                  disabled={!canManage || lastOwner}
                  aria-describedby={reason}
                  aria-label={`Make ${who(m)} ${nextRole === "owner" ? "an owner" : "a member"}`}
                  onClick={() => onAction({ kind: "role", member: m, role: nextRole })}
                >
                  {nextRole === "owner" ? "Make owner" : "Make member"}
                </Button>
                {m.you ? (
                  <Button
                    type="button"
                    variant="secondary"
                    className="px-2.5 py-1"
                    disabled={lastOwner}
                    aria-describedby={lastOwner ? LAST_OWNER_NOTE_ID : undefined}
                    onClick={() => onAction({ kind: "leave", member: m })}
                  >
                    Leave account
                  </Button>
                ) : (
                  <Button
                    type="button"
                    variant="secondary"
                    className="px-2.5 py-1"
                    disabled={!canManage || lastOwner}
                    aria-describedby={reason}
                    aria-label={`Remove ${who(m)}`}
                    onClick={() => onAction({ kind: "remove", member: m })}
                  >
                    Remove
                  </Button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {!canManage && <OwnerOnlyNote id={OWNER_NOTE_ID} what="change roles or remove members" />}
      {canManage && owners === 1 && (
        <p id={LAST_OWNER_NOTE_ID} className="text-xs text-slate-500">
          An account needs an owner: make someone else an owner before the only owner steps down or leaves.
        </p>
      )}
    </div>
  );
}
