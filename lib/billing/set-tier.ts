// An operator sets an account's tier: `unlimited` (SPEC §3), or any tier explicitly — including a
// lower one, which is the only way a tier goes down. Audited; the spend limit keeps its meaning
// (changeTier) and suspension is re-derived at once (a higher cap lifts `spend_limit_reached`).
import { db } from "../db";
import type { Tier } from "../db/generated/enums";
import { changeTier } from "./apply-tier-upgrade";
import { lockAccount } from "./lock-account";
import { syncSuspension } from "./suspension";
import { TIER_LADDER } from "./tiers";

export type SetTierResult =
  | { ok: true; from: Tier; to: Tier; changed: boolean; status: "active" | "suspended" }
  | { ok: false; reason: "invalid_tier" | "no_account"; message: string };

export const TIERS = TIER_LADDER.map((r) => r.tier);

export async function setTier(
  accountId: string,
  tier: Tier,
  operatorId: string | null,
  note?: string,
  now = new Date(),
): Promise<SetTierResult> {
  if (!TIERS.includes(tier)) return { ok: false, reason: "invalid_tier", message: `tier: must be one of ${TIERS.join(", ")}` };
  return db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, accountId))) return { ok: false as const, reason: "no_account" as const, message: "account not found" };
    const { tier: from } = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { tier: true } });
    if (from !== tier) await changeTier(tx, accountId, tier, { actorId: operatorId, reason: "operator", note, now });
    const sync = await syncSuspension(tx, accountId, now);
    return { ok: true as const, from, to: tier, changed: from !== tier, status: sync.status };
  });
}
