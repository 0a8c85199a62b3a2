"use client";
// /quotas: every §8 quota with its value and usage; the spend limit edited here by the owner, the
// others raised by request (operators decide), and the account's requests with their answers.
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ProgressBar } from "@/components/ui/progress-bar";
import { Table, Td, Th } from "@/components/ui/table";
import { dateTime, money, spendPercent } from "@/components/account/format";
import { QUOTA_LABEL, countPercent } from "./format";
import { spendQuota, useQuotas, type Quota } from "./hooks/use-quotas";
import { useQuotaRequests, type QuotaRequest } from "./hooks/use-quota-requests";
import { QuotaRequestForm } from "./quota-request-form";
import { SpendLimitEditor } from "./spend-limit-editor";

const STATUS_TONE = { pending: "warning", approved: "success", denied: "danger" } as const;

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
  const counts = quotas.filter((q) => q.name !== "monthly-spend-usd") as Extract<Quota, { value: number }>[];
  const currentValues = Object.fromEntries(counts.map((q) => [q.name, q.value]));

  function askFor(name: string) {
    setRequestQuota(name);
    document.getElementById("request-value")?.focus();
  }

  return (
    <div className="space-y-6">
      <Card title="All quotas">
        <Table label="Quotas">
          <thead>
            <tr>
              <Th>Quota</Th>
              <Th className="text-right">Used</Th>
              <Th className="text-right">Value</Th>
              <Th className="w-40">Usage</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {spend && (
              <tr data-testid="quota-monthly-spend-usd">
                <Td>
                  <span className="font-medium">{QUOTA_LABEL["monthly-spend-usd"]!.label}</span>
                  <span className="block font-mono text-xs text-slate-500">monthly-spend-usd</span>
                </Td>
                <Td className="text-right">{money(spend.usage)}</Td>
                <Td className="text-right" data-testid="quota-value">
                  {spend.value === null ? "No limit" : money(spend.value)}
                  {spend.max !== null && <span className="block text-xs text-slate-500">cap {money(spend.max)}</span>}
                </Td>
                <Td>
                  <ProgressBar percent={spendPercent(spend.usage, spend.value)} label="Monthly spend against the limit" />
                </Td>
                <Td className="text-right">
                  <a href="#spend-limit" className="text-sm font-medium text-indigo-700 hover:underline">
                    {canManage ? "Edit" : "View"}
                  </a>
                </Td>
              </tr>
            )}
            {counts.map((q) => (
              <tr key={q.name} data-testid={`quota-${q.name}`}>
                <Td>
                  <span className="font-medium">{QUOTA_LABEL[q.name]?.label ?? q.name}</span>
                  <span className="block font-mono text-xs text-slate-500">{q.name}</span>
                </Td>
                <Td className="text-right">{q.usage.toLocaleString("en-US")}</Td>
                <Td className="text-right" data-testid="quota-value">
                  {q.value.toLocaleString("en-US")}
                </Td>
                <Td>
                  <ProgressBar percent={countPercent(q.usage, q.value)} label={`${QUOTA_LABEL[q.name]?.label ?? q.name} used`} />
                </Td>
                <Td className="text-right">
                  <Button type="button" variant="ghost" className="px-2 py-1" onClick={() => askFor(q.name)} disabled={!canManage}>
                    Request increase
                  </Button>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
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
          <Table label="Quota requests">
            <thead>
              <tr>
                <Th>Quota</Th>
                <Th className="text-right">Requested</Th>
                <Th>Status</Th>
                <Th>Reason</Th>
                <Th>Answer</Th>
                <Th>Sent</Th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id} data-testid={`quota-request-${r.id}`}>
                  <Td className="font-mono text-xs">{r.quota}</Td>
                  <Td className="text-right">{r.value.toLocaleString("en-US")}</Td>
                  <Td>
                    <Badge tone={STATUS_TONE[r.status]}>{r.status}</Badge>
                  </Td>
                  <Td className="max-w-xs truncate whitespace-normal">{r.reason}</Td>
                  <Td className="max-w-xs whitespace-normal text-slate-600">{r.decisionNote ?? "—"}</Td>
                  <Td>{dateTime(r.createdAt)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
