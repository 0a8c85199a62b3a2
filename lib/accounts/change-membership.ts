// Changing who is in an account: an owner sets a member's role or removes them; anyone may leave.
// Either way the account keeps at least one owner — checked under the account's row lock, so two
// owners demoting each other at once cannot leave it with none. Removing someone revokes the API
// keys they created: a key acts for its creator, and a person who left keeps no way in.
import { inTransaction } from "../db";
import type { Role } from "../db/generated/enums";
import { lockAccount, type Tx } from "../billing/lock-account";
import { forgetApiKeyCache } from "../keys/authenticate-api-key";
import { notify } from "../alerts/notify";

export type MembershipChange =
  { ok: true; role: Role | null; revokedKeys: number } | { ok: false; reason: "not_member" | "last_owner"; message: string };

const LAST_OWNER = "the account must keep at least one owner: make someone else an owner first";

async function otherOwners(tx: Tx, accountId: string, userId: string): Promise<number> {
  return tx.membership.count({ where: { accountId, role: "owner", userId: { not: userId } } });
}

export async function setMemberRole(accountId: string, userId: string, role: Role, actorId: string | null): Promise<MembershipChange> {
  return inTransaction(async (tx): Promise<MembershipChange> => {
    await lockAccount(tx, accountId);
    const current = await tx.membership.findUnique({ where: { userId_accountId: { userId, accountId } }, select: { role: true } });
    if (!current) return { ok: false, reason: "not_member", message: "no member of this account has that user id" };
    if (current.role === role) return { ok: true, role, revokedKeys: 0 };
    if (current.role === "owner" && (await otherOwners(tx, accountId, userId)) === 0) {
      return { ok: false, reason: "last_owner", message: `role: ${LAST_OWNER}` };
    }
    await tx.membership.update({ where: { userId_accountId: { userId, accountId } }, data: { role } });
    await tx.auditLog.create({
      data: { accountId, actorId, action: "member.role_changed", detail: { userId, from: current.role, to: role } },
    });
    return { ok: true, role, revokedKeys: 0 };
  });
}

export async function removeMember(accountId: string, userId: string, actorId: string | null, now = new Date()): Promise<MembershipChange> {
  const result = await inTransaction(async (tx): Promise<MembershipChange> => {
    await lockAccount(tx, accountId);
    const current = await tx.membership.findUnique({ where: { userId_accountId: { userId, accountId } }, select: { role: true } });
    if (!current) return { ok: false, reason: "not_member", message: "no member of this account has that user id" };
    if (current.role === "owner" && (await otherOwners(tx, accountId, userId)) === 0) {
      return { ok: false, reason: "last_owner", message: LAST_OWNER };
    }
    await tx.membership.delete({ where: { userId_accountId: { userId, accountId } } });
    const keys = await tx.apiKey.updateMany({ where: { accountId, createdBy: userId, revokedAt: null }, data: { revokedAt: now } });
    const left = actorId === userId;
    await tx.auditLog.create({
      data: {
        accountId,
        actorId,
        action: left ? "member.left" : "member.removed",
        detail: { userId, role: current.role, revokedKeys: keys.count },
      },
    });
    const person = (await tx.user.findUnique({ where: { id: userId }, select: { email: true } }))?.email ?? "A member";
    const revoked =
      keys.count > 0
        ? ` ${keys.count} API key${keys.count === 1 ? "" : "s"} they created ${keys.count === 1 ? "was" : "were"} revoked.`
        : "";
    await notify(tx, {
      accountId,
      kind: "member_left",
      title: left ? `${person} left the account` : `${person} was removed from the account`,
      body: `${person} (${current.role}) no longer has access to this account.${revoked}`,
      dedupeKey: `member_left:${accountId}:${userId}:${now.toISOString()}`,
    });
    return { ok: true, role: null, revokedKeys: keys.count };
  });
  if (result.ok && result.revokedKeys > 0) forgetApiKeyCache();
  return result;
}
