"use client";
// The card on file and "Add card" (Stripe Checkout in setup mode; a new card becomes the default).
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { ApiError } from "@/components/console/api";
import { useAddCard } from "./hooks/use-checkout";
import { usePaymentMethods } from "./hooks/use-payment-methods";

export function PaymentMethodCard({
  hasPaymentMethod,
  canManage,
  watching,
}: {
  hasPaymentMethod: boolean;
  canManage: boolean;
  watching: boolean;
}) {
  const methods = usePaymentMethods({ refetchInterval: watching ? 1_000 : false });
  const add = useAddCard();
  const cards = methods.data?.paymentMethods ?? [];
  const card = cards.find((c) => c.isDefault) ?? cards[0];
  const unavailable = methods.error instanceof ApiError && methods.error.status === 404;
  return (
    <div className="space-y-3">
      <div className="min-h-10 text-sm" data-testid="payment-method">
        {card ? (
          <p>
            <span className="font-medium capitalize">{card.brand}</span> ···· {card.last4}{" "}
            <span className="text-slate-500">
              expires {String(card.expMonth).padStart(2, "0")}/{card.expYear}
            </span>
            {cards.length > 1 && <span className="text-slate-500"> · {cards.length - 1} more on file</span>}
          </p>
        ) : methods.isPending && !unavailable ? (
          <p className="text-slate-500">Loading…</p>
        ) : hasPaymentMethod ? (
          <p>A card is on file.</p>
        ) : (
          <p className="text-slate-700">No card on file. Add one to move to Tier 1 and be invoiced for usage beyond your credits.</p>
        )}
      </div>
      <Button
        type="button"
        variant={card || hasPaymentMethod ? "secondary" : "primary"}
        onClick={() => add.mutate()}
        disabled={!canManage || add.isPending || add.isSuccess}
        aria-describedby={canManage ? "add-card-hint" : "add-card-owner"}
      >
        {add.isPending || add.isSuccess ? "Opening checkout…" : "Add card"}
      </Button>
      {canManage && (
        <p id="add-card-hint" className="text-xs text-slate-500">
          {card || hasPaymentMethod
            ? "The new card replaces the current one as the default for invoices."
            : "You are redirected to Stripe to enter the card."}
        </p>
      )}
      {!canManage && <OwnerOnlyNote id="add-card-owner" what="add or replace the card" />}
      {add.isError && <Alert tone="error">{add.error.message}</Alert>}
    </div>
  );
}
