// SPEC §5: `spend_limit_reached` is lifted when a new month starts, within a second. The suspension
// is re-derived by the month-close job, which runs each minute and goes account by account (with
// invoice drafting), so on the 1st an account could be refused for minutes while its new month's
// spend is zero. Readers of an account's state (the gateway's admission, the account API) therefore
// treat a `spend_limit_reached` recorded in an earlier month as lifted when it would not hold for
// the current month — the same rule the job applies when it gets there. Nothing can overshoot
// meanwhile: the spend guard's lease grant counts the new month's spend from zero too.
import type { SuspensionReasonCode } from "../db/generated/enums";
import { isSamePeriod } from "./period";
import { factsOf, reasonsFor, type AccountFacts } from "./suspension";

export type SpendFacts = Pick<AccountFacts, "tier" | "spendLimitMicros" | "creditBalanceMicros" | "monthlySpendMicros"> & {
  spendPeriod: Date;
};

/** True when a `spend_limit_reached` set at `setAt` no longer holds at `now` (a later month, under its limit). */
export function spendLimitLapsed(account: SpendFacts, setAt: Date, now: Date): boolean {
  if (isSamePeriod(setAt, now)) return false;
  // Cards and failed invoices play no part in this reason.
  return !reasonsFor(factsOf(account, 0, 0, now)).has("spend_limit_reached");
}

/**
 * The account's recorded reasons that still hold at `now` (a lapsed spend_limit_reached left out),
 * and its status from them: active when the lapsed reason was the last one.
 */
export function reasonsInForce<R extends { reason: SuspensionReasonCode; setAt: Date }>(
  account: SpendFacts & { status: "active" | "suspended"; suspensionReasons: R[] },
  now: Date,
): { status: "active" | "suspended"; reasons: R[] } {
  const reasons = account.suspensionReasons.filter((r) => r.reason !== "spend_limit_reached" || !spendLimitLapsed(account, r.setAt, now));
  const lapsed = reasons.length < account.suspensionReasons.length;
  return { status: lapsed && reasons.length === 0 ? "active" : account.status, reasons };
}
