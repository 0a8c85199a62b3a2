// An owner invites someone by e-mail (SPEC §1: members see everything, owners manage billing).
// Nobody is added until they follow the link; the answer is the same whether or not the e-mail
// already has a user, so inviting reveals nothing about who is registered. Inviting an e-mail that
// has a pending invitation replaces it (the old link stops working).
import { inTransaction } from "../db";
import { lockAccount } from "../billing/lock-account";
import { newInvitationToken, invitationTokenHash } from "./invitation-token";
import { INVITATION_ROW, INVITATION_TTL_MS, invitationViews, type InvitationView } from "./invitations";
import type { InviteMemberInput } from "./schemas";

/** Invitations an account may send per hour: each can be an e-mail to any address, so an account must not become a spam relay. */
export const INVITATIONS_PER_HOUR = 20;

export type InviteMemberResult =
  { ok: true; invitation: InvitationView; token: string } | { ok: false; reason: "already_member" | "too_many"; message: string };

export async function inviteMember(
  accountId: string,
  input: InviteMemberInput,
  actorId: string | null,
  now = new Date(),
): Promise<InviteMemberResult> {
  const token = newInvitationToken();
  const row = await inTransaction(async (tx) => {
    await lockAccount(tx, accountId); // serialises with membership changes of the account
    const member = await tx.membership.findFirst({ where: { accountId, user: { email: input.email } }, select: { id: true } });
    if (member) return "already_member" as const;
    const recent = await tx.invitation.count({ where: { accountId, createdAt: { gt: new Date(now.getTime() - 3_600_000) } } });
    if (recent >= INVITATIONS_PER_HOUR) return "too_many" as const;
    await tx.invitation.updateMany({
      where: { accountId, email: input.email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const created = await tx.invitation.create({
      data: {
        accountId,
        email: input.email,
        role: input.role,
        tokenHash: invitationTokenHash(token)!,
        invitedById: actorId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      },
      select: INVITATION_ROW,
    });
    await tx.auditLog.create({
      data: { accountId, actorId, action: "member.invited", detail: { invitationId: created.id, email: input.email, role: input.role } },
    });
    return created;
  });
  if (row === "already_member") return { ok: false, reason: row, message: `email: ${input.email} is already a member of this account` };
  if (row === "too_many") {
    return {
      ok: false,
      reason: row,
      message: `This account has sent ${INVITATIONS_PER_HOUR} invitations in the last hour; try again later.`,
    };
  }
  const [invitation] = await invitationViews([row]);
  return { ok: true, invitation: invitation!, token };
}
