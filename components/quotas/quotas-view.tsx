"use client";
// /quotas: every §8 quota with its value and usage; the spend limit edited here by the owner, the
// others raised by request (operators decide), and the account's requests with their answers.
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ProgressBar } from "@/components/ui/progress-bar";
import { Table } from "@/components/ui/table";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { dateTime, money, spendPercent } from "@/components/account/format";
import { QUOTA_LABEL, countPercent } from "./format";
import { spendQuota, useQuotas, type Quota, type SpendQuota } from "./hooks/use-quotas";
import { useQuotaRequests, type QuotaRequest } from "./hooks/use-quota-requests";
import { QuotaRequestForm } from "./quota-request-form";
import { SpendLimitEditor } from "./spend-limit-editor";

const STATUS_TONE = { pending: "warning", approved: "success", denied: "danger" } as const;

const isSpend = (q: Quota): q is SpendQuota => q.name === "monthly-spend-usd";

export function QuotasView({
  initialQuotas,
  initialRequests,
  tier,
  canManage,
}: {
  initialQuotas: Quota[];
  initialRequests: QuotaRequest[];
  tier: string;
  canManage: boolean;
}) {
  const quotas = useQuotas({ initialData: { quotas: initialQuotas } }).data?.quotas ?? initialQuotas;
  const requests = useQuotaRequests({ initialData: { quotaRequests: initialRequests } }).data?.quotaRequests ?? initialRequests;
  const [requestQuota, setRequestQuota] = useState("deployed-models");
  const spend = spendQuota(quotas);
  const counts = quotas.filter((q) => !isSpend(q)) as Extract<Quota, { value: number }>[];
  const currentValues = Object.fromEntries(counts.map((q) => [q.name, q.value]));

  function askFor(name: string) {
    setRequestQuota(name);
    document.getElementById("request-value")?.focus();
  }

  return (
    <div className="space-y-6">
      <Card title="All quotas">
        <Table
          label="Quotas"
          rows={spend ? [spend, ...counts] : counts}
          rowKey={(q) => q.name}
          rowProps={(q) => ({ "data-testid": `quota-${q.name}` })}
          columns={[
            {
              id: "quota",
              header: "Quota",
              kind: "title",
              cell: (q) => (
                <>
                  <span className="font-medium">{QUOTA_LABEL[q.name]?.label ?? q.name}</span>
                  <span className="block font-mono text-xs text-slate-500">{q.name}</span>
                </>
              ),
            },
            {
              id: "used",
              header: "Used",
              align: "right",
              cell: (q) => (isSpend(q) ? money(q.usage) : q.usage.toLocaleString("en-US")),
            },
            {
              id: "value",
              header: "Value",
              align: "right",
              cell: (q) =>
                isSpend(q) ? (
                  <>
                    {q.value === null ? "No limit" : money(q.value)}
                    {q.max !== null && <span className="block text-xs text-slate-500">cap {money(q.max)}</span>}
                  </>
                ) : (
                  q.value.toLocaleString("en-US")
                ),
              valueProps: () => ({ "data-testid": "quota-value" }),
            },
            {
              id: "usage",
              header: "Usage",
              className: "w-40 max-w-full",
              cell: (q) =>
                isSpend(q) ? (
                  <ProgressBar percent={spendPercent(q.usage, q.value)} label="Monthly spend against the limit" />
                ) : (
                  <ProgressBar percent={countPercent(q.usage, q.value)} label={`${QUOTA_LABEL[q.name]?.label ?? q.name} used`} />
                ),
            },
            {
              id: "actions",
              header: "Actions",
              kind: "actions",
              cell: (q) =>
                isSpend(q) ? (
                  <a href="#spend-limit" className={`text-sm font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}>
                    {canManage ? "Edit" : "View"}
                  </a>
                ) : (
                  <Button type="button" variant="ghost" className="px-2 py-1" onClick={() => askFor(q.name)} disabled={!canManage}>
                    Request increase
                  </Button>
                ),
            },
          ]}
        />
      </Card>

      <section id="spend-limit" className="scroll-mt-6">
        <Card title="Monthly spend limit">{spend && <SpendLimitEditor quota={spend} tier={tier} canManage={canManage} />}</Card>
      </section>

      <section id="request" className="scroll-mt-6">
        <Card title="Request an increase">
          <p className="mb-4 text-sm text-slate-600">
            Deployed models and GPUs are raised by operators. Say what you are building; most requests are answered within a day.
          </p>
          <QuotaRequestForm quota={requestQuota} onQuotaChange={setRequestQuota} canManage={canManage} currentValues={currentValues} />
        </Card>
      </section>

      <Card title="Your requests">
        {requests.length === 0 ? (
          <p className="text-sm text-slate-600">No requests yet.</p>
        ) : (
          <Table
            label="Quota requests"
            rows={requests}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ "data-testid": `quota-request-${r.id}` })}
            columns={[
              { id: "quota", header: "Quota", kind: "title", className: "font-mono text-xs", cell: (r) => r.quota },
              { id: "requested", header: "Requested", align: "right", cell: (r) => r.value.toLocaleString("en-US") },
              { id: "status", header: "Status", cell: (r) => <Badge tone={STATUS_TONE[r.status]}>{r.status}</Badge> },
              { id: "reason", header: "Reason", wrap: "wide", cell: (r) => r.reason },
              { id: "answer", header: "Answer", wrap: "wide", className: "text-slate-600", cell: (r) => r.decisionNote ?? "—" },
              { id: "sent", header: "Sent", cell: (r) => dateTime(r.createdAt) },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
