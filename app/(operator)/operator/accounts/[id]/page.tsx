// /operator/accounts/{id} — one account: tier, status and reasons, spend, quotas; set tier, suspend/lift, set quotas.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getAccountDetail } from "@/lib/billing/get-account-detail";
import { listQuotas } from "@/lib/quotas/list-quotas";
import { PageHeader } from "@/components/ui/page-header";
import { OperatorAccountView } from "@/components/operator/account-detail";
import { operatorUser } from "../../../_lib/operator-user";

export const metadata: Metadata = { title: "Account · Operator" };

export default async function OperatorAccountPage({ params }: { params: Promise<{ id: string }> }) {
  await operatorUser();
  const { id } = await params;
  const detail = await getAccountDetail(id);
  if (!detail) notFound();
  const quotas = await listQuotas(id);
  return (
    <div className="space-y-6">
      <PageHeader title={detail.name} description={<span className="font-mono text-xs">{detail.id}</span>} />
      <OperatorAccountView initial={detail} initialQuotas={quotas} />
    </div>
  );
}
