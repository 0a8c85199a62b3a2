// A new account with `userId` as its owner, as sign-up opens one (SPEC §13): Tier 0 with $1 of
// promotional credit, which is not historical spend (§3). Inside the caller's transaction.
import type { Prisma } from "../db/generated/client";
import { usd } from "../money";
import { postLedgerEntry } from "../billing/post-ledger-entry";

const SIGNUP_PROMO_CREDIT = usd(1);

export async function openAccount(tx: Prisma.TransactionClient, userId: string, accountName: string): Promise<string> {
  const account = await tx.account.create({ data: { name: accountName }, select: { id: true } });
  await tx.membership.create({ data: { userId, accountId: account.id, role: "owner" } });
  await postLedgerEntry(tx, {
    accountId: account.id,
    kind: "promotional_credit",
    amountMicros: SIGNUP_PROMO_CREDIT,
    idempotencyKey: `promo:signup:${account.id}`,
    description: "Welcome credit",
  });
  await tx.auditLog.create({ data: { accountId: account.id, actorId: userId, action: "account.created" } });
  return account.id;
}
