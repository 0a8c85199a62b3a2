// An owner withdraws a pending invitation: its link stops working at once.
import { inTransaction } from "../db";

export async function revokeInvitation(
  accountId: string,
  invitationId: string,
  actorId: string | null,
  now = new Date(),
): Promise<boolean> {
  return inTransaction(async (tx) => {
    const revoked = await tx.invitation.updateMany({
      where: { id: invitationId, accountId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    if (revoked.count === 0) return false;
    await tx.auditLog.create({ data: { accountId, actorId, action: "member.invitation_revoked", detail: { invitationId } } });
    return true;
  });
}
