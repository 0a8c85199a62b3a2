// /billing — tier ladder, buy credits, card, spend limit, auto top-up; the result of a Checkout return.
import type { Metadata } from "next";
import { getAccountSummary } from "@/lib/billing/get-account-summary";
import { getAutoTopUp } from "@/lib/billing/auto-top-up-settings";
import { listQuotas } from "@/lib/quotas/list-quotas";
import { usdString } from "@/lib/money";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { BillingView } from "@/components/billing/billing-view";
import { returnKind } from "@/components/billing/format";
import { canManage, consoleCaller } from "../_lib/console-caller";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const caller = await consoleCaller();
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
  const [account, quotas, autoTopUp] = await Promise.all([
    getAccountSummary(caller.accountId),
    listQuotas(caller.accountId),
    getAutoTopUp(caller.accountId),
  ]);
  if (!account) return <Alert tone="error">Account not found.</Alert>;
  return (
    <div className="space-y-6">
      <PageHeader title="Billing" description="Credits, tiers, your card and the monthly spend limit." />
      <BillingView
        initialAccount={account}
        initialQuotas={quotas}
        initialAutoTopUp={{
          enabled: autoTopUp.enabled,
          thresholdUsd: usdString(autoTopUp.thresholdMicros),
          amountUsd: usdString(autoTopUp.amountMicros),
          monthlyMaxUsd: usdString(autoTopUp.monthlyMaxMicros),
          toppedUpThisMonthUsd: usdString(autoTopUp.toppedUpThisMonthMicros),
        }}
        canManage={canManage(caller)}
        returned={returnKind({ checkout: one(params.checkout), setup: one(params.setup) })}
      />
    </div>
  );
}
