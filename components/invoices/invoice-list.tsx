"use client";
// The account's invoices, newest month first, with status and what is still due.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { Table, Td, Th } from "@/components/ui/table";
import { dateOnly, money } from "@/components/account/format";
import { INVOICE_STATUS, isPayable } from "./format";
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
      <Table label="Invoices">
        <thead>
          <tr>
            <Th>Period</Th>
            <Th>Status</Th>
            <Th className="text-right">Total</Th>
            <Th className="text-right">Due</Th>
            <Th>Issued</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {invoices.map((inv) => {
            const status = INVOICE_STATUS[inv.status] ?? { label: inv.status, tone: "neutral" as const };
            return (
              <tr key={inv.id} data-testid={`invoice-${inv.id}`} data-status={inv.status}>
                <Td>
                  <Link href={`/invoices/${inv.id}`} className="font-medium text-indigo-700 hover:underline">
                    {inv.period}
                  </Link>
                </Td>
                <Td>
                  <Badge tone={status.tone}>{status.label}</Badge>
                </Td>
                <Td className="text-right">{money(inv.totalUsd)}</Td>
                <Td className="text-right">{money(inv.amountDueUsd)}</Td>
                <Td>{dateOnly(inv.finalizedAt ?? inv.createdAt)}</Td>
                <Td className="text-right">
                  {isPayable(inv.status) ? <PayButton id={inv.id} canManage={canManage} period={inv.period} /> : null}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      {anyPayable && !canManage && <OwnerOnlyNote id="invoices-owner" what="pay invoices" />}
    </div>
  );
}
