// /operator/accounts — find accounts by id, name or member e-mail.
import type { Metadata } from "next";
import { findAccounts } from "@/lib/billing/find-accounts";
import { PageHeader } from "@/components/ui/page-header";
import { AccountSearch } from "@/components/operator/account-search";
import { operatorUser } from "../../_lib/operator-user";

export const metadata: Metadata = { title: "Accounts · Operator" };

export default async function OperatorAccountsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await operatorUser();
  const raw = (await searchParams).q;
  const q = typeof raw === "string" ? raw : "";
  const accounts = await findAccounts(q);
  return (
    <div className="space-y-6">
      <PageHeader title="Accounts" description="Find an account to see its tier, status, spend and quotas, and to act on it." />
      <AccountSearch initialQuery={q} initial={accounts} />
    </div>
  );
}
