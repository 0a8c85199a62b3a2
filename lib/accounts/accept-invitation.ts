// Following an invitation link: the invited person joins the account — signed in as the invited
// e-mail, or, when no user has that e-mail yet, by choosing a password (which creates the user).
// A link works once: the invitation is claimed with a conditional update in the same transaction
// that adds the membership, so two clicks (or two people with the link) cannot both use it.
import { inTransaction } from "../db";
import type { Role } from "../db/generated/enums";
import { hashPassword } from "../auth/password";
import { notify } from "../alerts/notify";
import { findInvitation } from "./invitations";
import type { AcceptInvitationInput } from "./schemas";

export type AcceptInvitationResult =
  | { ok: true; accountId: string; role: Role; userId: string; created: boolean }
  | { ok: false; reason: "invalid" | "wrong_user" | "sign_in_required" | "password_required"; message: string };

/** The signed-in user following the link, if any. */
export interface Visitor {
  userId: string;
  email: string;
}

export async function acceptInvitation(
  token: string,
  visitor: Visitor | null,
  input: AcceptInvitationInput,
  now = new Date(),
): Promise<AcceptInvitationResult> {
  const found = await findInvitation(token, now);
  if (!found.ok) return { ok: false, reason: "invalid", message: found.message };
  if (visitor && visitor.email !== found.email) {
    return {
      ok: false,
      reason: "wrong_user",
      message: `This invitation is for ${found.email}, but you are signed in as ${visitor.email}. Sign out and open the link again.`,
    };
  }
  // Hash outside the transaction: it is slow on purpose, and the transaction holds locks.
  const passwordHash = !visitor && input.password ? await hashPassword(input.password) : null;
  return inTransaction(async (tx): Promise<AcceptInvitationResult> => {
    let userId = visitor?.userId ?? null;
    let created = false;
    if (!userId) {
      const existing = await tx.user.findUnique({ where: { email: found.email }, select: { id: true } });
      if (existing) {
        return { ok: false, reason: "sign_in_required", message: `Sign in as ${found.email} to accept this invitation.` };
      }
      if (!passwordHash) {
        return { ok: false, reason: "password_required", message: "password: choose a password for your new sign-in" };
      }
      // The e-mail is unique: a sign-up racing this one fails the whole transaction (P2002), and
      // the caller answers "sign in" — the invitation stays unclaimed.
      const user = await tx.user.create({ data: { email: found.email, name: input.name ?? null, passwordHash }, select: { id: true } });
      userId = user.id;
      created = true;
    }
    const claimed = await tx.invitation.updateMany({
      where: { id: found.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now, acceptedBy: userId },
    });
    if (claimed.count === 0) {
      throw new InvitationTakenError(); // rolls back the user created above
    }
    // Already a member (added by another invitation meanwhile): keep the membership as it is.
    const membership = await tx.membership.upsert({
      where: { userId_accountId: { userId, accountId: found.accountId } },
      create: { userId, accountId: found.accountId, role: found.role },
      update: {},
      select: { role: true },
    });
    await tx.auditLog.create({
      data: {
        accountId: found.accountId,
        actorId: userId,
        action: "member.joined",
        detail: { invitationId: found.id, role: membership.role },
      },
    });
    // The owners hear of it (console, and e-mail when SMTP is configured): someone new can see the account.
    await notify(tx, {
      accountId: found.accountId,
      kind: "member_joined",
      title: `${found.email} joined as ${membership.role === "owner" ? "an owner" : "a member"}`,
      body: `${found.email} accepted the invitation${found.invitedBy ? ` from ${found.invitedBy}` : ""} and now has access to ${found.accountName.replace(/\.$/, "")}.`,
      dedupeKey: `member_joined:${found.id}`,
    });
    return { ok: true, accountId: found.accountId, role: membership.role, userId, created };
  }).catch((err: unknown): AcceptInvitationResult => {
    if (err instanceof InvitationTakenError) {
      return { ok: false, reason: "invalid", message: "This invitation has just been used or revoked." };
    }
    if ((err as { code?: string }).code === "P2002") {
      return { ok: false, reason: "sign_in_required", message: `Sign in as ${found.email} to accept this invitation.` };
    }
    throw err;
  });
}

class InvitationTakenError extends Error {}
