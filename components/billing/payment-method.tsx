"use client";
// The cards on file (default first), "Remove" per card and "Add card" (Stripe Checkout in setup
// mode; a new card becomes the default). Removing says what follows before it happens: the tier
// stays; another card takes over as the default; without any card, usage beyond credits cannot be
// invoiced and the account is suspended when the credits run out.
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { ApiError } from "@/components/console/api";
import { useAddCard } from "./hooks/use-checkout";
import { usePaymentMethods, useRemovePaymentMethod, type PaymentMethod } from "./hooks/use-payment-methods";

const cardName = (c: PaymentMethod) => `${c.brand.charAt(0).toUpperCase()}${c.brand.slice(1)} ···· ${c.last4}`;

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
  const remove = useRemovePaymentMethod();
  const [removing, setRemoving] = useState<PaymentMethod | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const cards = methods.data?.paymentMethods ?? [];
  const unavailable = methods.error instanceof ApiError && methods.error.status === 404;
  const successor = removing?.isDefault ? cards.find((c) => c.id !== removing.id) : undefined;

  async function onRemove() {
    if (!removing) return;
    const card = removing;
    setDone(null);
    try {
      const r = await remove.mutateAsync(card.id);
      setDone(
        r.paymentMethodsLeft === 0
          ? `${cardName(card)} removed. No card is on file now${r.status === "suspended" ? ": the account is suspended until you add one or buy credits" : ""}.`
          : `${cardName(card)} removed.`,
      );
    } catch {
      // Shown below the list (remove.error): e.g. 409 while auto top-up depends on the only card.
    } finally {
      setRemoving(null);
    }
  }

  return (
    <div className="space-y-3">
      <div className="min-h-10 text-sm" data-testid="payment-method">
        {cards.length > 0 ? (
          <ul className="divide-y divide-slate-100" aria-label="Cards on file">
            {cards.map((card) => (
              <li
                key={card.id}
                className="flex flex-wrap items-center justify-between gap-2 py-2 first:pt-0"
                data-testid={`card-${card.last4}`}
              >
                <span>
                  <span className="font-medium">{cardName(card)}</span>{" "}
                  <span className="text-slate-500">
                    expires {String(card.expMonth).padStart(2, "0")}/{card.expYear}
                  </span>{" "}
                  {card.isDefault && <Badge tone="info">default</Badge>}
                </span>
                {canManage && (
                  <Button
                    type="button"
                    variant="secondary"
                    className="px-2.5 py-1"
                    onClick={() => {
                      remove.reset();
                      setRemoving(card);
                    }}
                    aria-label={`Remove ${cardName(card)}`}
                  >
                    Remove
                  </Button>
                )}
              </li>
            ))}
          </ul>
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
        variant={cards.length > 0 || hasPaymentMethod ? "secondary" : "primary"}
        onClick={() => add.mutate()}
        disabled={!canManage || add.isPending || add.isSuccess}
        aria-describedby={canManage ? "add-card-hint" : "add-card-owner"}
      >
        {add.isPending || add.isSuccess ? "Opening checkout…" : "Add card"}
      </Button>
      {canManage && (
        <p id="add-card-hint" className="text-xs text-slate-500">
          {cards.length > 0 || hasPaymentMethod
            ? "The new card becomes the default for invoices and auto top-up."
            : "You are redirected to Stripe to enter the card."}
        </p>
      )}
      {!canManage && <OwnerOnlyNote id="add-card-owner" what="add, replace or remove cards" />}
      {add.isError && <Alert tone="error">{add.error.message}</Alert>}
      {remove.isError && <Alert tone="error">{remove.error.message}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}

      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing ? cardName(removing) : "card"}?`}
        confirmLabel="Remove card"
        pending={remove.isPending}
        onConfirm={() => void onRemove()}
        onCancel={() => setRemoving(null)}
      >
        {successor ? (
          <>{cardName(successor)} becomes the default for invoices and auto top-up. </>
        ) : cards.length <= 1 ? (
          <>
            It is your only card: usage beyond your credits can no longer be invoiced, and when the credits run out the account is suspended
            until you add a card. Auto top-up must be off.{" "}
          </>
        ) : null}
        Your tier stays as it is.
      </ConfirmDialog>
    </div>
  );
}
