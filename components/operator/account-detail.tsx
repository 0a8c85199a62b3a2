"use client";
// One account as operators see it: tier, status and reasons, spend and credits, quotas; the actions
// (tier, suspension, quotas, refunds of credit purchases); members, invoices, suspension history and audit trail.
import Link from "next/link";
import type { QuotaView } from "@/lib/quotas/list-quotas";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { REASON_LABEL, TIER_LABEL, dateTime, money } from "@/components/account/format";
import { InvoiceStatusBadge } from "@/components/invoices/invoice-status-badge";
import { SetTierForm, SuspensionForms } from "./account-actions";
import { AccountQuotas } from "./account-quotas";
import { PurchaseRefunds } from "./purchase-refunds";
import { useOperatorAccount, type OperatorAccountDetail } from "./hooks/use-operator-accounts";

export function OperatorAccountView({ initial, initialQuotas }: { initial: OperatorAccountDetail; initialQuotas: QuotaView[] }) {
  const { data } = useOperatorAccount(initial.id, { initialData: initial });
  const a = data ?? initial;
  const manual = a.suspensionReasons.some((r) => r.reason === "manual");
  return (
    <div className="space-y-6">
      <div className="grid gap-4 sm:grid-cols-4">
        <Card title="Tier">
          <p className="text-xl font-semibold" data-testid="tier">
            {TIER_LABEL[a.tier] ?? a.tier}
          </p>
        </Card>
        <Card title="Status">
          <p className={`text-xl font-semibold ${a.status === "active" ? "text-emerald-700" : "text-red-700"}`} data-testid="status">
            {a.status === "active" ? "Active" : "Suspended"}
          </p>
        </Card>
        <Card title="Spend this month">
          <p className="text-xl font-semibold tabular-nums">{money(a.monthlySpendUsd)}</p>
          <p className="text-xs text-slate-500 tabular-nums">of {a.spendLimitUsd === null ? "no limit" : money(a.spendLimitUsd)}</p>
        </Card>
        <Card title="Credits">
          <p className="text-xl font-semibold tabular-nums">{money(a.creditBalanceUsd)}</p>
          <p className="text-xs text-slate-500 tabular-nums">historical {money(a.historicalSpendUsd)}</p>
        </Card>
      </div>

      {a.suspensionReasons.length > 0 && (
        <Card title="Suspension reasons in force">
          <ul className="space-y-2 text-sm" data-testid="operator-reasons">
            {a.suspensionReasons.map((r) => (
              <li key={r.reason}>
                <Badge tone="danger">{REASON_LABEL[r.reason] ?? r.reason}</Badge> <span className="text-slate-700">{r.detail}</span>{" "}
                <span className="text-xs text-slate-500">since {dateTime(r.since)}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Set tier">
          <p className="mb-3 text-sm text-slate-600">
            Unlimited removes the monthly cap. Tiers go up automatically with spend; setting one by hand is audited.
          </p>
          <SetTierForm accountId={a.id} tier={a.tier} />
        </Card>
        <Card title={manual ? "Manual suspension" : "Suspend"}>
          <p className="mb-3 text-sm text-slate-600">
            {manual
              ? "Lifting removes only the manual reason; automatic reasons that still hold keep the account suspended."
              : "A manual suspension holds until an operator lifts it. Deployments stop and fine-tuning pauses."}
          </p>
          <SuspensionForms accountId={a.id} manual={manual} />
        </Card>
      </div>

      <Card title="Quotas">
        <AccountQuotas accountId={a.id} initial={initialQuotas} />
      </Card>

      <Card title="Credit purchases and refunds">
        <PurchaseRefunds accountId={a.id} />
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Members">
          <ul className="space-y-1 text-sm">
            {a.members.map((m) => (
              <li key={m.userId} className="flex items-baseline justify-between gap-2">
                <span className="min-w-0 wrap-anywhere">{m.email}</span>
                <Badge>{m.role}</Badge>
              </li>
            ))}
          </ul>
          <p className="mt-3 text-xs text-slate-500">{a.hasPaymentMethod ? "A card is on file." : "No card on file."}</p>
        </Card>
        <Card title="Invoices">
          {a.invoices.length === 0 ? (
            <p className="text-sm text-slate-600">None.</p>
          ) : (
            <Table
              label="Invoices"
              width="narrow"
              rows={a.invoices}
              rowKey={(i) => i.id}
              columns={[
                { id: "period", header: "Period", kind: "title", cell: (i) => i.period },
                { id: "status", header: "Status", cell: (i) => <InvoiceStatusBadge invoice={i} /> },
                { id: "total", header: "Total", align: "right", cell: (i) => money(i.totalUsd) },
                { id: "due", header: "Due", align: "right", cell: (i) => money(i.amountDueUsd) },
              ]}
            />
          )}
        </Card>
      </div>

      <Card title="Suspension history">
        {a.suspensionHistory.length === 0 ? (
          <p className="text-sm text-slate-600">Never suspended.</p>
        ) : (
          <Table
            label="Suspension history"
            rows={a.suspensionHistory}
            rowKey={(h, i) => `${h.reason}-${h.setAt}-${i}`}
            columns={[
              { id: "reason", header: "Reason", kind: "title", cell: (h) => REASON_LABEL[h.reason] ?? h.reason },
              { id: "set", header: "Set", cell: (h) => dateTime(h.setAt) },
              { id: "lifted", header: "Lifted", cell: (h) => (h.liftedAt ? dateTime(h.liftedAt) : <Badge tone="danger">in force</Badge>) },
              { id: "note", header: "Note", wrap: "wide", cell: (h) => h.liftNote ?? h.detail },
            ]}
          />
        )}
      </Card>

      {/* The whole header row opens it (the card's padding is the summary's), its ring inside the card's edges. */}
      <details className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <summary className="cursor-pointer rounded-lg p-5 text-sm font-semibold text-slate-600 focus-visible:outline-offset-[-2px]">
          Audit trail ({a.audit.length})
        </summary>
        <ul className="-mt-2 space-y-2 px-5 pb-5 text-xs">
          {a.audit.map((e, i) => (
            <li key={`${e.createdAt}-${i}`} className="grid gap-1 sm:grid-cols-[12rem_12rem_1fr]">
              <span className="text-slate-500">{dateTime(e.createdAt)}</span>
              <span className="font-mono">{e.action}</span>
              <code className="break-all text-slate-600">{JSON.stringify(e.detail)}</code>
            </li>
          ))}
        </ul>
      </details>

      <p className="text-sm">
        <Link href="/operator/accounts" className={`text-indigo-700 hover:underline ${TAP_TARGET}`}>
          ← All accounts
        </Link>
      </p>
    </div>
  );
}
