"use client";
// The owner's monthly spend limit: any whole-cent amount from $0 to the tier's cap. Validated here
// with the API's own schema and bound, then by the API; its errors land by the field.
import { useState } from "react";
import { updateSpendLimitSchema } from "@/lib/quotas/schemas";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { TIER_LABEL, money } from "@/components/account/format";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { spendLimitBoundError } from "./format";
import { useUpdateSpendLimit, type SpendQuota } from "./hooks/use-quotas";

export function SpendLimitEditor({
  quota,
  tier,
  canManage,
  idPrefix = "spend-editor",
}: {
  quota: SpendQuota;
  tier: string;
  canManage: boolean;
  idPrefix?: string;
}) {
  const [value, setValue] = useState(quota.value ?? "");
  const [errors, setErrors] = useState<FormErrors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const update = useUpdateSpendLimit();
  const tierLabel = TIER_LABEL[tier] ?? tier;
  const bounds =
    quota.max === null
      ? "No cap on this tier."
      : `Between $0.00 and ${money(quota.max)} (the ${tierLabel} cap${tier === "tier0" ? ": your credits" : ""}), whole cents.`;
  const fieldId = `${idPrefix}-limit`;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(null);
    const parsed = updateSpendLimitSchema.safeParse({ value });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    const bound = spendLimitBoundError(parsed.data.value, quota.max, tierLabel);
    if (bound) return setErrors({ value: bound });
    setErrors({});
    try {
      const next = await update.mutateAsync(parsed.data.value);
      setValue(next.value ?? "");
      setSaved(`Spend limit set to ${next.value === null ? "no limit" : money(next.value)}.`);
    } catch (err) {
      setErrors(errorsFromApi(err, ["value"]));
    }
  }

  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-3 gap-3 text-sm">
        <div>
          <dt className="text-slate-500">Current limit</dt>
          <dd className="font-semibold tabular-nums" data-testid={`${idPrefix}-current-limit`}>
            {quota.value === null ? "No limit" : money(quota.value)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Tier cap</dt>
          <dd className="font-semibold tabular-nums" data-testid={`${idPrefix}-cap`}>
            {quota.max === null ? "None" : money(quota.max)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Spent this month</dt>
          <dd className="font-semibold tabular-nums">{money(quota.usage)}</dd>
        </div>
      </dl>
      <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-start gap-3">
        <div className="w-full max-w-xs">
          <Field
            id={fieldId}
            name="value"
            label="Monthly spend limit (USD)"
            inputMode="decimal"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={errors.value}
            hint={bounds}
            disabled={!canManage}
            aria-describedby={canManage ? undefined : `${fieldId}-owner`}
          />
        </div>
        <Button type="submit" className="sm:mt-6" disabled={!canManage || update.isPending}>
          {update.isPending ? "Saving…" : "Save limit"}
        </Button>
      </form>
      {!canManage && <OwnerOnlyNote id={`${fieldId}-owner`} what="change the spend limit" />}
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
      {saved && <Alert tone="success">{saved}</Alert>}
      <p className="text-xs text-slate-500">
        At the limit, API calls answer <strong>402</strong> (<code>spend_limit_reached</code>, not retryable), running deployments stop and
        fine-tuning jobs pause — until you raise the limit, move up a tier, or the month ends. Credits count against the limit. A limit
        equal to the cap follows the cap when you move up a tier; a lower one stays where you put it.
      </p>
    </div>
  );
}
