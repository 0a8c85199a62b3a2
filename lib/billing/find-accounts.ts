// GET /api/operator/accounts?q= — operators find accounts by id, name or a member's e-mail.
import { db } from "../db";
import type { Tier } from "../db/generated/enums";
import { usdString } from "../money";
import { isSamePeriod } from "./period";

export interface AccountListItem {
  id: string;
  name: string;
  tier: Tier;
  status: "active" | "suspended";
  ownerEmails: string[];
  monthlySpendUsd: string;
  creditBalanceUsd: string;
  createdAt: string;
}

export async function findAccounts(q: string, opts: { limit?: number; now?: Date } = {}): Promise<AccountListItem[]> {
  const text = q.trim().slice(0, 200);
  const now = opts.now ?? new Date();
  const rows = await db().account.findMany({
    where: text
      ? {
          OR: [
            { id: text },
            { name: { contains: text, mode: "insensitive" } },
            { memberships: { some: { user: { email: { contains: text, mode: "insensitive" } } } } },
          ],
        }
      : {},
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(opts.limit ?? 50, 1), 200),
    select: {
      id: true,
      name: true,
      tier: true,
      status: true,
      monthlySpendMicros: true,
      spendPeriod: true,
      creditBalanceMicros: true,
      createdAt: true,
      memberships: { where: { role: "owner" }, select: { user: { select: { email: true } } } },
    },
  });
  return rows.map((a) => ({
    id: a.id,
    name: a.name,
    tier: a.tier,
    status: a.status,
    ownerEmails: a.memberships.map((m) => m.user.email),
    monthlySpendUsd: usdString(isSamePeriod(a.spendPeriod, now) ? a.monthlySpendMicros : 0n),
    creditBalanceUsd: usdString(a.creditBalanceMicros),
    createdAt: a.createdAt.toISOString(),
  }));
}
