// /quotas — §8 quotas with usage and value; edit the spend limit (owner); request increases.
import type { Metadata } from "next";
import { getAccountSummary } from "@/lib/billing/get-account-summary";
import { listQuotas } from "@/lib/quotas/list-quotas";
import { listQuotaRequests } from "@/lib/quotas/requests/list-quota-requests";
import { PageHeader } from "@/components/ui/page-header";
import { QuotasView } from "@/components/quotas/quotas-view";
import { canManage, consoleCaller } from "../_lib/console-caller";

export const metadata: Metadata = { title: "Quotas" };

export default async function QuotasPage() {
  const caller = await consoleCaller();
  const [quotas, requests, account] = await Promise.all([
    listQuotas(caller.accountId),
    listQuotaRequests(caller.accountId),
    getAccountSummary(caller.accountId),
  ]);
  return (
    <div className="space-y-6">
      <PageHeader title="Quotas" description="What this account may use. Creating or scaling past a quota fails with 422 quota_exceeded." />
      <QuotasView initialQuotas={quotas} initialRequests={requests} tier={account?.tier ?? "tier0"} canManage={canManage(caller)} />
    </div>
  );
}
