"use client";
// An account's quotas as operators set them: count quotas editable (PUT …/quotas/{name}); the spend
// limit follows the tier and is shown, not edited.
import { useState } from "react";
import { setQuotaValueSchema } from "@/lib/quotas/schemas";
import type { QuotaView } from "@/lib/quotas/list-quotas";
import { Button } from "@/components/ui/button";
import { Table } from "@/components/ui/table";
import { money } from "@/components/account/format";
import { QUOTA_LABEL } from "@/components/quotas/format";
import { errorsFromApi, errorsFromIssues } from "@/components/console/form-errors";
import { useOperatorQuotas, useSetQuota } from "./hooks/use-operator-accounts";

type CountQuota = Extract<QuotaView, { value: number }>;
type SpendQuota = Extract<QuotaView, { name: "monthly-spend-usd" }>;

const isSpend = (q: QuotaView): q is SpendQuota => q.name === "monthly-spend-usd";
const inputId = (q: QuotaView) => `op-quota-${q.name}`;

function QuotaValueForm({ accountId, quota }: { accountId: string; quota: CountQuota }) {
  const [value, setValue] = useState(String(quota.value));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const mutation = useSetQuota(accountId);
  const id = inputId(quota);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const parsed = setQuotaValueSchema.safeParse({ value: /^\d+$/.test(value.trim()) ? Number(value.trim()) : value });
    if (!parsed.success) return setError(errorsFromIssues(parsed.error.issues).value ?? "invalid value");
    setError(null);
    try {
      await mutation.mutateAsync({ name: quota.name, value: parsed.data.value });
      setSaved(true);
    } catch (err) {
      const placed = errorsFromApi(err, ["value"]);
      setError(placed.value ?? placed.form ?? "Could not save.");
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex items-start gap-2">
      <div>
        <input
          id={id}
          inputMode="numeric"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className="w-24 rounded-md border-0 px-2 py-1 text-sm touch:text-base ring-1 touch:min-h-11 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 aria-invalid:ring-red-500"
        />
        {error && (
          <p id={`${id}-error`} role="alert" className="mt-1 max-w-48 text-xs whitespace-normal text-red-600">
            {error}
          </p>
        )}
      </div>
      <Button type="submit" variant="secondary" className="px-2.5 py-1" disabled={mutation.isPending}>
        {saved ? "Saved" : "Save"}
      </Button>
    </form>
  );
}

export function AccountQuotas({ accountId, initial }: { accountId: string; initial: QuotaView[] }) {
  const quotas = useOperatorQuotas(accountId, { initialData: { quotas: initial } }).data?.quotas ?? initial;
  const spend = quotas.find(isSpend);
  const counts = quotas.filter((q) => !isSpend(q)) as CountQuota[];
  return (
    <Table
      label="Quotas"
      rows={spend ? [spend, ...counts] : counts}
      // A count quota's key holds its value: a new value from the server resets the row's form.
      rowKey={(q) => (isSpend(q) ? q.name : `${q.name}-${q.value}`)}
      columns={[
        {
          id: "quota",
          header: "Quota",
          kind: "title",
          cell: (q) => (
            <>
              {isSpend(q) ? (
                <span className="font-medium">Monthly spend limit</span>
              ) : (
                <label htmlFor={inputId(q)} className="font-medium">
                  {QUOTA_LABEL[q.name]?.label ?? q.name}
                </label>
              )}
              <span className="block font-mono text-xs text-slate-500">{q.name}</span>
            </>
          ),
        },
        { id: "used", header: "Used", align: "right", cell: (q) => (isSpend(q) ? money(q.usage) : q.usage.toLocaleString("en-US")) },
        {
          id: "value",
          header: "Value",
          cell: (q) =>
            isSpend(q) ? (
              <>
                {q.value === null ? "No limit" : money(q.value)}
                <span className="block text-xs text-slate-500">
                  {q.max === null ? "no cap" : `cap ${money(q.max)}`} — set the tier to change it
                </span>
              </>
            ) : (
              <QuotaValueForm accountId={accountId} quota={q} />
            ),
        },
      ]}
    />
  );
}
