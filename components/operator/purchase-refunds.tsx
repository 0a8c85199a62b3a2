"use client";
// Operators refund (part of) a credit purchase to the card it was paid with: the account's purchases
// with what is left to refund, and a dialog for the amount and the reason (kept in the audit log).
// The refund exists in Stripe when the API answers; the unspent credits are taken back when Stripe's
// charge.refunded arrives, seconds later — the table polls until then.
import { useEffect, useState } from "react";
import type { PurchaseView } from "@/lib/payments/list-purchases";
import { refundPurchaseSchema } from "@/lib/payments/schemas";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { Table } from "@/components/ui/table";
import { TextareaField } from "@/components/ui/textarea-field";
import { dateTime, money } from "@/components/account/format";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { usePurchases, useRefund } from "./hooks/use-operator-accounts";

const PURPOSE_LABEL: Record<PurchaseView["purpose"], string> = { credits: "Checkout", auto_top_up: "Auto top-up" };
const STATUS: Record<string, { label: string; tone: "success" | "warning" | "danger" | "neutral" }> = {
  succeeded: { label: "Paid", tone: "success" },
  refunded: { label: "Refunded", tone: "neutral" },
  pending: { label: "Pending", tone: "warning" },
  failed: { label: "Failed", tone: "danger" },
};

/** A name for one refund the operator is about to make (sent as Idempotency-Key). */
const newRefundKey = () => `console-refund-${crypto.randomUUID()}`;

export function PurchaseRefunds({ accountId }: { accountId: string }) {
  // Set by a refund just made: poll fast for a while, until Stripe's charge.refunded has arrived.
  const [awaiting, setAwaiting] = useState(false);
  useEffect(() => {
    if (!awaiting) return;
    const t = setTimeout(() => setAwaiting(false), 15_000);
    return () => clearTimeout(t);
  }, [awaiting]);
  const purchases = usePurchases(accountId, { awaitingRefund: awaiting });
  const refund = useRefund(accountId);
  const [target, setTarget] = useState<PurchaseView | null>(null);
  const [form, setForm] = useState({ amountUsd: "", reason: "", key: "" });
  const [errors, setErrors] = useState<FormErrors>({});
  const [done, setDone] = useState<string | null>(null);

  function open(p: PurchaseView) {
    setTarget(p);
    setErrors({});
    setDone(null);
    // One key per dialog: submitting again after a timeout is the same refund.
    setForm({ amountUsd: p.refundableUsd, reason: "", key: newRefundKey() });
  }

  async function onConfirm() {
    if (!target) return;
    const input = { purchaseId: target.id, amountUsd: form.amountUsd.trim() || undefined, reason: form.reason };
    const parsed = refundPurchaseSchema.safeParse(input);
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      const r = await refund.mutateAsync({ ...input, idempotencyKey: form.key });
      setDone(
        `Refund ${r.refundId} of ${money(r.amountUsd)} created (${r.status}). The unspent credits are taken back when Stripe confirms it.`,
      );
      setAwaiting(true);
      setTarget(null);
    } catch (err) {
      setErrors(errorsFromApi(err, ["amountUsd", "reason", "purchaseId"]));
    }
  }

  const rows = purchases.data?.purchases;
  return (
    <div className="space-y-3">
      {purchases.isError && <Alert tone="error">{purchases.error.message}</Alert>}
      {rows && rows.length === 0 && <p className="text-sm text-slate-600">No credit purchases.</p>}
      {rows && rows.length > 0 && (
        <Table
          label="Credit purchases"
          rows={rows}
          rowKey={(p) => p.id}
          rowProps={(p) => ({ "data-testid": `purchase-${p.id}` })}
          columns={[
            { id: "bought", header: "Bought", kind: "title", cell: (p) => dateTime(p.createdAt) },
            { id: "how", header: "How", cell: (p) => PURPOSE_LABEL[p.purpose] },
            {
              id: "status",
              header: "Status",
              cell: (p) => <Badge tone={STATUS[p.status]?.tone ?? "neutral"}>{STATUS[p.status]?.label ?? p.status}</Badge>,
            },
            { id: "amount", header: "Amount", align: "right", cell: (p) => money(p.amountUsd) },
            {
              id: "refunded",
              header: "Refunded",
              align: "right",
              cell: (p) => money(p.refundedUsd),
              valueProps: () => ({ "data-testid": "refunded" }),
            },
            {
              id: "refundable",
              header: "Refundable",
              align: "right",
              cell: (p) => money(p.refundableUsd),
              valueProps: () => ({ "data-testid": "refundable" }),
            },
            {
              id: "actions",
              header: "Actions",
              kind: "actions",
              cell: (p) => (
                <Button
                  type="button"
                  variant="secondary"
                  onClick={() => open(p)}
                  disabled={/^0(\.0+)?$/.test(p.refundableUsd)}
                  aria-label={`Refund the ${money(p.amountUsd)} purchase of ${dateTime(p.createdAt)}`}
                >
                  Refund
                </Button>
              ),
            },
          ]}
        />
      )}
      {done && <Alert tone="success">{done}</Alert>}

      <ConfirmDialog
        open={target !== null}
        title={target ? `Refund the ${money(target.amountUsd)} purchase` : "Refund"}
        confirmLabel="Refund to the card"
        tone="danger"
        pending={refund.isPending}
        onConfirm={onConfirm}
        onCancel={() => setTarget(null)}
        initialFocusId="refund-amount"
      >
        <div className="space-y-3">
          <p>
            Up to {target ? money(target.refundableUsd) : ""} goes back to the card. The amount comes off the credit balance (never below
            zero: credits already spent are written off, not invoiced); the tier stays.
          </p>
          <Field
            id="refund-amount"
            label="Amount (USD)"
            inputMode="decimal"
            value={form.amountUsd}
            onChange={(e) => setForm({ ...form, amountUsd: e.target.value })}
            error={errors.amountUsd}
          />
          <TextareaField
            id="refund-reason"
            label="Reason (audit log)"
            value={form.reason}
            onChange={(e) => setForm({ ...form, reason: e.target.value })}
            error={errors.reason}
            maxLength={500}
          />
          {(errors.form ?? errors.purchaseId) && <Alert tone="error">{errors.form ?? errors.purchaseId}</Alert>}
        </div>
      </ConfirmDialog>
    </div>
  );
}
