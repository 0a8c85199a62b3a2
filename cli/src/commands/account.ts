// `headroom get account`: tier, status, spend vs limit, credits (GET /api/v1/account).
import type { Command } from "commander";
import type { AccountSummary } from "../../../lib/billing/get-account-summary";
import { contextOf } from "../context";
import { money, tierLabel, when } from "../format";
import { withExamples } from "../help";
import { keyValue } from "../table";

export function registerAccount(get: Command): void {
  withExamples(
    get
      .command("account")
      .description("Show the account: tier, status, monthly spend vs the spend limit, credits, next tier.")
      .action(async (_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const account = await ctx.client().get<AccountSummary>("/api/v1/account");
        if (ctx.output === "json") return ctx.json(account);
        const s = ctx.style;
        const status =
          account.status === "active"
            ? s.green("active")
            : s.red(`suspended (${account.suspensionReasons.map((r) => r.reason).join(", ") || "unknown reason"})`);
        const limit =
          account.spendLimitUsd === null
            ? "unlimited"
            : `${money(account.spendLimitUsd)}${account.spendLimitCustom ? " (set by you)" : " (the tier's cap)"}`;
        const pairs: [string, string][] = [
          ["Account", `${s.bold(account.name)} ${s.dim(`(${account.id})`)}`],
          ["Tier", tierLabel(account.tier)],
          ["Status", status],
          ...account.suspensionReasons.map((r): [string, string] => [`  ${r.reason}`, `${r.detail} ${s.dim(`since ${when(r.since)}`)}`]),
          ["Spend this month", `${money(account.monthlySpendUsd)} of ${limit}`],
          ["Credit balance", money(account.creditBalanceUsd)],
          ["Historical spend", money(account.historicalSpendUsd)],
          ["Payment method", account.hasPaymentMethod ? "on file" : s.yellow("none")],
          [
            "Next tier",
            !account.nextTier
              ? "none"
              : account.nextTier.tier === "tier1"
                ? `${tierLabel("tier1")} once a payment method is on file`
                : `${tierLabel(account.nextTier.tier)} at ${money(account.nextTier.historicalSpendRequiredUsd)} historical spend`,
          ],
          ["Period ends", when(account.periodEndsAt)],
        ];
        ctx.out(keyValue(pairs, s));
      }),
    ["headroom get account", "headroom get account --output json | jq -r .creditBalanceUsd"],
  );
}
