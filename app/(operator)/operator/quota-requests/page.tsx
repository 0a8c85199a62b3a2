// /operator/quota-requests — approve or deny owners' quota increase requests.
import type { Metadata } from "next";
import { listRequestsForOperators } from "@/lib/quotas/requests/list-requests-for-operators";
import { PageHeader } from "@/components/ui/page-header";
import { QuotaRequestQueue } from "@/components/operator/quota-request-queue";
import { operatorUser } from "../../_lib/operator-user";

export const metadata: Metadata = { title: "Quota requests · Operator" };

export default async function OperatorQuotaRequestsPage() {
  await operatorUser();
  const pending = await listRequestsForOperators("pending");
  return (
    <div className="space-y-6">
      <PageHeader title="Quota requests" description="Approving sets the quota to the requested value; the owner is notified either way." />
      <QuotaRequestQueue initial={pending} />
    </div>
  );
}
