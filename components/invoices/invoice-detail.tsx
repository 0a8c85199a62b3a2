"use client";
// One invoice: status, amounts and line items (per model, deployment, fine-tuning job); "Pay" when due.
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { Table } from "@/components/ui/table";
import { dateTime } from "@/components/account/format";
import { invoiceFigures } from "@/lib/billing/invoice-figures";
import { invoiceStatus, isPayable, lineQuantity } from "./format";
import { useInvoice, type InvoiceDetail } from "./hooks/use-invoices";
import { InvoiceStatusBadge } from "./invoice-status-badge";
import { PayButton } from "./pay-button";

export function InvoiceDetailView({ initial, canManage }: { initial: InvoiceDetail; canManage: boolean }) {
  const { data } = useInvoice(initial.id, { initialData: initial });
  const inv = data ?? initial;
  const status = invoiceStatus(inv);
  // Dollars and cents as the card is charged; the lines add up to the total shown.
  const shown = invoiceFigures(inv);
  const rows = inv.lines.map((l, i) => ({ ...l, shown: shown.lines[i] }));
  return (
    <div className="space-y-6">
      {inv.status === "failed" && (
        <Alert tone="error" title="The payment of this invoice failed">
          While any invoice is unpaid after a failed charge, the account is suspended. Pay it with another card to lift the suspension.
        </Alert>
      )}
      {inv.carriedForward && (
        <Alert tone="info" title="Not charged on its own">
          {shown.due} is less than $0.50, the smallest amount a card can be charged. It is added to your next invoice, or paid by credits
          you buy before then; it never suspends your account.
        </Alert>
      )}
      {inv.carriedToInvoiceId && (
        <Alert tone="info" title="Carried forward">
          This invoice was under $0.50, so its amount was added to{" "}
          <Link href={`/invoices/${inv.carriedToInvoiceId}`} className="font-medium text-indigo-700 hover:underline">
            a later invoice
          </Link>{" "}
          and is paid there.
        </Alert>
      )}
      <Card>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <dl className="grid grid-cols-2 gap-x-8 gap-y-2 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-slate-500">Status</dt>
              <dd className="mt-0.5">
                <InvoiceStatusBadge invoice={inv} data-testid="invoice-status" />
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Total</dt>
              <dd className="font-semibold tabular-nums">{shown.total}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Paid</dt>
              <dd className="tabular-nums">{shown.paid}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Due</dt>
              <dd className="font-semibold tabular-nums" data-testid="invoice-due">
                {shown.due}
              </dd>
            </div>
          </dl>
          {isPayable(inv.status) && <PayButton id={inv.id} canManage={canManage} period={inv.period} />}
        </div>
        <p className="mt-3 text-xs text-slate-500">
          {status.help} Created {dateTime(inv.createdAt)}
          {inv.finalizedAt ? ` · issued ${dateTime(inv.finalizedAt)}` : ""}
          {inv.failedAt ? ` · charge failed ${dateTime(inv.failedAt)}` : ""}
          {inv.paidAt ? ` · paid ${dateTime(inv.paidAt)}` : ""}
        </p>
        {isPayable(inv.status) && !canManage && <OwnerOnlyNote id="invoice-owner" what="pay invoices" />}
      </Card>
      <Card title="Line items">
        {inv.lines.length === 0 ? (
          <p className="text-sm text-slate-600">No line items.</p>
        ) : (
          <Table
            label="Line items"
            width="wide"
            rows={rows}
            rowKey={(l, i) => `${l.subject}-${i}`}
            columns={[
              { id: "item", header: "Item", kind: "title", cell: (l) => l.description },
              { id: "for", header: "For", className: "font-mono text-xs", cell: (l) => l.subject },
              {
                id: "quantity",
                header: "Quantity",
                align: "right",
                cell: (l) => lineQuantity(l.quantity, l.unit),
              },
              {
                id: "amount",
                header: "Amount",
                align: "right",
                cell: (l) => l.shown,
                valueProps: () => ({ "data-testid": "line-amount" }),
              },
            ]}
            footer={{ label: "Total", values: { amount: <span data-testid="invoice-total">{shown.total}</span> } }}
          />
        )}
      </Card>
    </div>
  );
}
