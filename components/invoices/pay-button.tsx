"use client";
// "Pay" → the hosted invoice page (Stripe). The invoice and the suspension update from its webhook.
import { Button } from "@/components/ui/button";
import { usePayInvoice } from "./hooks/use-invoices";

export function PayButton({ id, canManage, period }: { id: string; canManage: boolean; period: string }) {
  const pay = usePayInvoice();
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Button
        type="button"
        variant="primary"
        className="px-3 py-1"
        onClick={() => pay.mutate(id)}
        disabled={!canManage || pay.isPending || pay.isSuccess}
        data-period={period}
        title={canManage ? undefined : "Only the account's owner can pay invoices."}
      >
        {pay.isPending || pay.isSuccess ? "Opening…" : "Pay"}
      </Button>
      {pay.isError && (
        <span role="alert" className="text-xs text-red-700">
          {pay.error.message}
        </span>
      )}
    </span>
  );
}
