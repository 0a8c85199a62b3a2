"use client";
// Buy credits: a whole-dollar amount ($5 … $50,000) → Stripe Checkout. Credits arrive when Stripe
// confirms the payment (webhook); they pay open invoices first, then top up the balance.
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { CREDIT_PRESETS, creditAmountSchema } from "./format";
import { useBuyCredits } from "./hooks/use-checkout";

export function BuyCredits({ canManage }: { canManage: boolean }) {
  const [amount, setAmount] = useState("25");
  const [errors, setErrors] = useState<FormErrors>({});
  const buy = useBuyCredits();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const parsed = creditAmountSchema.safeParse({ amountUsd: amount });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      await buy.mutateAsync(parsed.data.amountUsd);
    } catch (err) {
      setErrors(errorsFromApi(err, ["amountUsd"]));
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <fieldset disabled={!canManage} className="space-y-3">
        <legend className="sr-only">Amount</legend>
        <div className="flex flex-wrap gap-2" role="group" aria-label="Quick amounts">
          {CREDIT_PRESETS.map((p) => (
            <button
              key={p}
              type="button"
              onClick={() => setAmount(p)}
              aria-pressed={amount === p}
              className="rounded-md px-3 py-1.5 text-sm font-medium ring-1 touch:min-h-11 touch:min-w-11 ring-slate-300 hover:bg-slate-50 disabled:text-slate-400 aria-pressed:bg-indigo-600 aria-pressed:text-white aria-pressed:ring-indigo-600"
            >
              ${Number(p).toLocaleString("en-US")}
            </button>
          ))}
        </div>
        <div className="max-w-xs">
          <Field
            id="credit-amount"
            name="amountUsd"
            label="Amount (USD, whole dollars)"
            inputMode="numeric"
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={errors.amountUsd}
            hint="From $5 to $50,000. Purchases count toward your tier."
            aria-describedby={canManage ? undefined : "buy-credits-owner"}
          />
        </div>
      </fieldset>
      <Button type="submit" disabled={!canManage || buy.isPending || buy.isSuccess}>
        {buy.isPending || buy.isSuccess ? "Opening checkout…" : "Buy credits"}
      </Button>
      {!canManage && <OwnerOnlyNote id="buy-credits-owner" what="buy credits" />}
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
    </form>
  );
}
