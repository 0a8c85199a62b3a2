"use client";
// An account's quotas as operators set them: count quotas editable (PUT …/quotas/{name}); the spend
// limit follows the tier and is shown, not edited.
import { useState } from "react";
import { setQuotaValueSchema } from "@/lib/quotas/schemas";
import type { QuotaView } from "@/lib/quotas/list-quotas";
import { Button } from "@/components/ui/button";
import { Table, Td, Th } from "@/components/ui/table";
import { money } from "@/components/account/format";
import { QUOTA_LABEL } from "@/components/quotas/format";
import { errorsFromApi, errorsFromIssues } from "@/components/console/form-errors";
import { useOperatorQuotas, useSetQuota } from "./hooks/use-operator-accounts";

function QuotaRow({ accountId, quota }: { accountId: string; quota: Extract<QuotaView, { value: number }> }) {
  const [value, setValue] = useState(String(quota.value));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const mutation = useSetQuota(accountId);
  const id = `op-quota-${quota.name}`;

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
    <tr>
      <Td>
        <label htmlFor={id} className="font-medium">
          {QUOTA_LABEL[quota.name]?.label ?? quota.name}
        </label>
        <span className="block font-mono text-xs text-slate-500">{quota.name}</span>
      </Td>
      <Td className="text-right">{quota.usage.toLocaleString("en-US")}</Td>
      <Td>
        <form onSubmit={onSubmit} noValidate className="flex items-start gap-2">
          <div>
            <input
              id={id}
              inputMode="numeric"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              className="w-24 rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 aria-invalid:ring-red-500"
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
      </Td>
    </tr>
  );
}

export function AccountQuotas({ accountId, initial }: { accountId: string; initial: QuotaView[] }) {
  const quotas = useOperatorQuotas(accountId, { initialData: { quotas: initial } }).data?.quotas ?? initial;
  const spend = quotas.find((q) => q.name === "monthly-spend-usd") as Extract<QuotaView, { name: "monthly-spend-usd" }> | undefined;
  const counts = quotas.filter((q) => q.name !== "monthly-spend-usd") as Extract<QuotaView, { value: number }>[];
  return (
    <Table label="Quotas">
      <thead>
        <tr>
          <Th>Quota</Th>
          <Th className="text-right">Used</Th>
          <Th>Value</Th>
        </tr>
      </thead>
      <tbody>
        {spend && (
          <tr>
            <Td>
              <span className="font-medium">Monthly spend limit</span>
              <span className="block font-mono text-xs text-slate-500">monthly-spend-usd</span>
            </Td>
            <Td className="text-right">{money(spend.usage)}</Td>
            <Td>
              {spend.value === null ? "No limit" : money(spend.value)}
              <span className="block text-xs text-slate-500">
                {spend.max === null ? "no cap" : `cap ${money(spend.max)}`} — set the tier to change it
              </span>
            </Td>
          </tr>
        )}
        {counts.map((q) => (
          <QuotaRow key={`${q.name}-${q.value}`} accountId={accountId} quota={q} />
        ))}
      </tbody>
    </Table>
  );
}
