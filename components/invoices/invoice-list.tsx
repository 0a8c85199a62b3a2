"use client";
// The account's invoices, newest month first, with status and what is still due (dollars and cents as
// charged: lib/billing/invoice-figures.ts, the CLI's rule too).
import Link from "next/link";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { Table } from "@/components/ui/table";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { dateOnly } from "@/components/account/format";
import { invoiceFigures } from "@/lib/billing/invoice-figures";
import { isPayable } from "./format";
import { InvoiceStatusBadge } from "./invoice-status-badge";
import { useInvoices, type Invoice } from "./hooks/use-invoices";
import { PayButton } from "./pay-button";

export function InvoiceList({ initial, canManage }: { initial: Invoice[]; canManage: boolean }) {
  const { data } = useInvoices({ initialData: { invoices: initial } });
  const invoices = data?.invoices ?? initial;
  if (invoices.length === 0)
    return <p className="text-sm text-slate-600">No invoices yet. Usage beyond your credits is invoiced at the start of the next month.</p>;
  const anyPayable = invoices.some((i) => isPayable(i.status));
  return (
    <div className="space-y-3">
      <Table
        label="Invoices"
        width="narrow"
        rows={invoices}
        rowKey={(inv) => inv.id}
        rowProps={(inv) => ({ "data-testid": `invoice-${inv.id}`, "data-status": inv.status })}
        columns={[
          {
            id: "period",
            header: "Period",
            kind: "title",
            cell: (inv) => (
              <Link href={`/invoices/${inv.id}`} className={`font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}>
                {inv.period}
              </Link>
            ),
          },
          {
            id: "status",
            header: "Status",
            cell: (inv) => <InvoiceStatusBadge invoice={inv} />,
          },
          { id: "total", header: "Total", align: "right", cell: (inv) => invoiceFigures(inv).total },
          { id: "due", header: "Due", align: "right", cell: (inv) => invoiceFigures(inv).due },
          { id: "issued", header: "Issued", cell: (inv) => dateOnly(inv.finalizedAt ?? inv.createdAt) },
          {
            id: "actions",
            header: "Actions",
            kind: "actions",
            cell: (inv) => isPayable(inv.status) && <PayButton id={inv.id} canManage={canManage} period={inv.period} />,
          },
        ]}
      />
      {anyPayable && !canManage && <OwnerOnlyNote id="invoices-owner" what="pay invoices" />}
    </div>
  );
}
