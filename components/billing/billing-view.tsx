"use client";
// /billing: where the account stands (tier, credits, spend), the tier ladder, buying credits, the
// card, the spend limit and auto top-up. Owner-only controls are disabled for members, with why.
import { useState } from "react";
import { Card } from "@/components/ui/card";
import { TIER_LABEL, money, resetsIn } from "@/components/account/format";
import { useAccount, type Account } from "@/components/account/hooks/use-account";
import { SpendLimitEditor } from "@/components/quotas/spend-limit-editor";
import { spendQuota, useQuotas, type Quota } from "@/components/quotas/hooks/use-quotas";
import { AutoTopUpForm } from "./auto-top-up-form";
import { BuyCredits } from "./buy-credits";
import { CheckoutResult } from "./checkout-result";
import type { ReturnKind } from "./format";
import type { AutoTopUp } from "./hooks/use-auto-top-up";
import { PaymentMethodCard } from "./payment-method";
import { TierLadder } from "./tier-ladder";

export function BillingView({
  initialAccount,
  initialQuotas,
  initialAutoTopUp,
  canManage,
  returned,
}: {
  initialAccount: Account;
  initialQuotas: Quota[];
  initialAutoTopUp: AutoTopUp;
  canManage: boolean;
  returned: ReturnKind;
}) {
  const [watching, setWatching] = useState(returned === "checkout-success" || returned === "setup-success");
  const { data } = useAccount({ initialData: initialAccount, refetchInterval: watching ? 1_000 : 10_000 });
  const account = data ?? initialAccount;
  const quotas = useQuotas({ initialData: { quotas: initialQuotas } });
  const spend = spendQuota(quotas.data?.quotas ?? initialQuotas);

  return (
    <div className="space-y-6">
      <CheckoutResult kind={returned} initial={initialAccount} onWatchingChange={setWatching} />

      <div className="grid gap-4 sm:grid-cols-3">
        <Card title="Tier">
          <p className="text-2xl font-semibold" data-testid="tier">
            {TIER_LABEL[account.tier] ?? account.tier}
          </p>
          <p className="mt-1 text-sm text-slate-600 tabular-nums">Historical spend {money(account.historicalSpendUsd)}</p>
        </Card>
        <Card title="Credit balance">
          <p className="text-2xl font-semibold tabular-nums" data-testid="credit-balance">
            {money(account.creditBalanceUsd)}
          </p>
          <p className="mt-1 text-sm text-slate-600">Drawn before anything is invoiced</p>
        </Card>
        <Card title="Spend this month">
          <p className="text-2xl font-semibold tabular-nums" data-testid="monthly-spend">
            {money(account.monthlySpendUsd)}
          </p>
          <p className="mt-1 text-sm text-slate-600 tabular-nums">
            <span data-testid="spend-limit">of {account.spendLimitUsd === null ? "no limit" : money(account.spendLimitUsd)}</span> · resets{" "}
            {resetsIn(account.periodEndsAt)}
          </p>
        </Card>
      </div>

      <section id="tiers" className="scroll-mt-6">
        <Card title="Tier ladder">
          <TierLadder account={account} />
        </Card>
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section id="buy-credits" className="scroll-mt-6">
          <Card title="Buy credits" className="h-full">
            <BuyCredits canManage={canManage} />
          </Card>
        </section>
        <section id="payment-method" className="scroll-mt-6">
          <Card title="Payment method" className="h-full">
            <PaymentMethodCard hasPaymentMethod={account.hasPaymentMethod} canManage={canManage} watching={watching} />
          </Card>
        </section>
      </div>

      <section id="spend-limit" className="scroll-mt-6">
        <Card title="Monthly spend limit">
          {spend ? <SpendLimitEditor quota={spend} tier={account.tier} canManage={canManage} idPrefix="billing-spend" /> : null}
        </Card>
      </section>

      <section id="auto-top-up" className="scroll-mt-6">
        <Card title="Auto top-up">
          <AutoTopUpForm initial={initialAutoTopUp} canManage={canManage} hasPaymentMethod={account.hasPaymentMethod} />
        </Card>
      </section>
    </div>
  );
}
