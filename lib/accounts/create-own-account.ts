// POST /api/session/accounts' verb: a signed-in user who belongs to no account any more (they left
// it, or an owner removed them) opens one of their own, as at sign-up — their e-mail is taken, so
// signing up again is not a way out. Only then: anyone with an account uses it (or is invited to
// another), so the welcome credit stays one per person, not a coupon per account.
import { db } from "../db";
import { openAccount } from "./open-account";

export type CreateOwnAccountResult = { ok: true; accountId: string } | { ok: false; reason: "has_account" };

export async function createOwnAccount(userId: string, accountName: string): Promise<CreateOwnAccountResult> {
  return db().$transaction(async (tx) => {
    // One at a time per user: the user's row is locked, so two clicks cannot open two accounts.
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
    if ((await tx.membership.count({ where: { userId } })) > 0) return { ok: false as const, reason: "has_account" as const };
    return { ok: true as const, accountId: await openAccount(tx, userId, accountName) };
  });
}
