"use client";
// After Stripe Checkout sends the browser back (?checkout=success|cancelled, ?setup=success|cancelled):
// say what happened and poll the account for a few seconds, so the new credits / tier show as soon
// as the webhook lands rather than on the next reload.
import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Alert } from "@/components/ui/alert";
import { TIER_LABEL, money } from "@/components/account/format";
import { useAccount, type Account } from "@/components/account/hooks/use-account";
import type { ReturnKind } from "./format";

const WATCH_MS = 20_000;

export function CheckoutResult({
  kind,
  initial,
  onWatchingChange,
}: {
  kind: ReturnKind;
  initial: Account;
  onWatchingChange?: (watching: boolean) => void;
}) {
  const watchingFromStart = kind === "checkout-success" || kind === "setup-success";
  const [watching, setWatching] = useState(watchingFromStart);
  const [baseline] = useState(initial);
  const client = useQueryClient();
  // The page polls the account every second while `watching` (see onWatchingChange).
  const { data } = useAccount({ initialData: initial });
  const account = data ?? initial;
  const changed =
    account.creditBalanceUsd !== baseline.creditBalanceUsd ||
    account.historicalSpendUsd !== baseline.historicalSpendUsd ||
    account.tier !== baseline.tier ||
    account.hasPaymentMethod !== baseline.hasPaymentMethod;

  useEffect(() => {
    if (!watchingFromStart) return;
    const timer = setTimeout(() => setWatching(false), WATCH_MS);
    return () => clearTimeout(timer);
  }, [watchingFromStart]);

  const stillWatching = watching && !changed;
  useEffect(() => {
    onWatchingChange?.(stillWatching);
    if (!stillWatching && watchingFromStart) void client.invalidateQueries();
  }, [stillWatching, watchingFromStart, onWatchingChange, client]);

  useEffect(() => {
    // Drop the query string so a reload does not announce the purchase again.
    if (kind) window.history.replaceState(null, "", window.location.pathname + window.location.hash);
  }, [kind]);

  if (!kind) return null;
  if (kind === "checkout-cancelled")
    return (
      <Alert tone="info" title="Checkout cancelled">
        No payment was taken.
      </Alert>
    );
  if (kind === "setup-cancelled")
    return (
      <Alert tone="info" title="Card not added">
        No card was saved.
      </Alert>
    );
  const tierChanged = account.tier !== baseline.tier;
  // Stripe only sends the browser to the success URL once the payment went through; the credits
  // arrive with its webhook, usually within a second (it may even have landed before this render).
  return (
    <div data-testid="checkout-result">
      <Alert tone="success" title={kind === "setup-success" ? "Card added" : "Payment received"}>
        {kind === "checkout-success" ? (
          <>
            Credit balance: <span className="font-semibold tabular-nums">{money(account.creditBalanceUsd)}</span>.
          </>
        ) : account.hasPaymentMethod ? (
          "Your card is on file."
        ) : (
          "Saving your card."
        )}
        {tierChanged ? ` You are now on ${TIER_LABEL[account.tier]}.` : ""}
        <span className="block text-xs opacity-80" aria-live="polite">
          {stillWatching ? "Updating as Stripe confirms…" : changed ? "Up to date." : ""}
        </span>
      </Alert>
    </div>
  );
}
