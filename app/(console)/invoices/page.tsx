// /invoices — the account's invoices with status; "Pay" on failed and open ones.
import type { Metadata } from "next";
import { listInvoices } from "@/lib/billing/list-invoices";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { InvoiceList } from "@/components/invoices/invoice-list";
import { canManage, consoleCaller } from "../_lib/console-caller";

export const metadata: Metadata = { title: "Invoices" };

export default async function InvoicesPage() {
  const caller = await consoleCaller();
  const invoices = await listInvoices(caller.accountId);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Invoices"
        description="Usage beyond your credits is invoiced monthly and charged to your card. A failed charge suspends the account until it is paid."
      />
      <Card>
        <InvoiceList initial={invoices} canManage={canManage(caller)} />
      </Card>
    </div>
  );
}
