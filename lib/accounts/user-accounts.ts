// The accounts a signed-in user belongs to, and which one the console shows. A user in several
// accounts (their own, and others that invited them) picks one; the choice is kept in a cookie and
// honoured only while the user is still a member of that account.
import { db } from "../db";
import type { Role } from "../db/generated/enums";

/** Cookie naming the account the console shows (an account id; checked against the memberships on every request). */
export const ACCOUNT_COOKIE = "headroom-account";

/** A user's default account: owned before joined, then the oldest membership. */
const DEFAULT_FIRST = [{ role: "asc" as const }, { createdAt: "asc" as const }];

export interface UserAccount {
  accountId: string;
  name: string;
  role: Role;
}

/** The user's memberships, owners first, then oldest first: the first is the default account. */
export async function userAccounts(userId: string): Promise<UserAccount[]> {
  const rows = await db().membership.findMany({
    where: { userId },
    orderBy: DEFAULT_FIRST,
    select: { accountId: true, role: true, account: { select: { name: true } } },
  });
  return rows.map((m) => ({ accountId: m.accountId, name: m.account.name, role: m.role }));
}

/** The membership the console acts through: the chosen account if the user is in it, else the default. */
export async function chosenMembership(userId: string, chosen: string | null): Promise<{ accountId: string; role: Role } | null> {
  if (chosen) {
    const m = await db().membership.findUnique({
      where: { userId_accountId: { userId, accountId: chosen } },
      select: { accountId: true, role: true },
    });
    if (m) return m;
  }
  return db().membership.findFirst({ where: { userId }, orderBy: DEFAULT_FIRST, select: { accountId: true, role: true } });
}

/** Of the user's accounts (userAccounts' order), the one the console shows — what chosenMembership picks. */
export function currentAccount(accounts: UserAccount[], chosen: string | null): UserAccount | null {
  return accounts.find((a) => a.accountId === chosen) ?? accounts[0] ?? null;
}

/** `Set-Cookie` for the chosen account (a year; HttpOnly — only the server reads it). */
export function accountCookie(accountId: string, secure: boolean): string {
  return `${ACCOUNT_COOKIE}=${encodeURIComponent(accountId)}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}
