// Pure helpers for the billing page: the credit amount rule (same as the API's: whole dollars,
// $5…$50,000) and the tier ladder's rows. Money stays exact: decimal strings ↔ integer micro-USD.
import { z } from "zod";
import { CREDIT_PURCHASE_MAX, CREDIT_PURCHASE_MIN } from "@/lib/billing/amounts";
import { usdWholeDollarsInput } from "@/lib/billing/schemas";
import { TIER_LADDER, tierRank } from "@/lib/billing/tiers";
import type { Tier } from "@/lib/db/generated/enums";
import { displayUsd, parseUsd } from "@/lib/money";

export const creditAmountSchema = z.object({
  amountUsd: usdWholeDollarsInput.refine(
    (v) => {
      // zod runs this refinement even when the format check above failed; that one speaks then.
      if (!/^\d{1,9}(\.0{1,2})?$/.test(v)) return true;
      const micros = parseUsd(v);
      return micros >= CREDIT_PURCHASE_MIN && micros <= CREDIT_PURCHASE_MAX;
    },
    { message: `must be between ${displayUsd(CREDIT_PURCHASE_MIN)} and ${displayUsd(CREDIT_PURCHASE_MAX)}` },
  ),
});

export const CREDIT_PRESETS = ["10", "25", "100", "500", "1000"] as const;

export interface LadderRow {
  tier: Tier;
  label: string;
  qualifies: string;
  cap: string;
  state: "done" | "current" | "next" | "later";
}

/** The tier ladder as rows, the account's place on it marked. */
export function ladderRows(current: Tier, nextTier: Tier | null): LadderRow[] {
  return TIER_LADDER.map((r) => ({
    tier: r.tier,
    label: r.label,
    qualifies:
      r.tier === "tier0"
        ? "New account: spend prepaid or promotional credits only"
        : r.tier === "unlimited"
          ? "Set by an operator"
          : r.tier === "tier1"
            ? "A valid payment method on file"
            : `${displayUsd(r.historicalSpendRequired ?? 0n)} historical spend`,
    cap: r.tier === "tier0" ? "Your credit balance" : r.cap === null ? "No cap" : `${displayUsd(r.cap)} / month`,
    state:
      r.tier === current
        ? "current"
        : r.tier === nextTier
          ? "next"
          : tierRank(r.tier) < tierRank(current) && r.tier !== "unlimited"
            ? "done"
            : "later",
  }));
}

/** What Stripe Checkout's return URL says happened (?checkout=success|cancelled, ?setup=…). */
export type ReturnKind = "checkout-success" | "checkout-cancelled" | "setup-success" | "setup-cancelled" | null;

export function returnKind(params: { checkout?: string; setup?: string }): ReturnKind {
  if (params.checkout === "success") return "checkout-success";
  if (params.checkout === "cancelled" || params.checkout === "canceled" || params.checkout === "cancel") return "checkout-cancelled";
  if (params.setup === "success") return "setup-success";
  if (params.setup === "cancelled" || params.setup === "canceled" || params.setup === "cancel") return "setup-cancelled";
  return null;
}
