// /invoices/{id} — one invoice with its line items; another account's id is a 404.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getInvoice } from "@/lib/billing/list-invoices";
import { PageHeader } from "@/components/ui/page-header";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { InvoiceDetailView } from "@/components/invoices/invoice-detail";
import { canManage, consoleCaller } from "../../_lib/console-caller";

export const metadata: Metadata = { title: "Invoice" };

export default async function InvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const caller = await consoleCaller();
  const { id } = await params;
  const invoice = await getInvoice(caller.accountId, id);
  if (!invoice) notFound();
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/invoices" className={`text-indigo-700 hover:underline ${TAP_TARGET}`}>
          ← Invoices
        </Link>
      </nav>
      <PageHeader title={`Invoice ${invoice.period}`} description={<span className="font-mono text-xs">{invoice.id}</span>} />
      <InvoiceDetailView initial={invoice} canManage={canManage(caller)} />
    </div>
  );
}
