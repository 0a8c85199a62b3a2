"use client";
// Auto top-up: when the credit balance falls below a threshold, buy a fixed amount with the saved
// card, at most a monthly maximum. Same schema as PUT /api/v1/auto-top-up.
import { useState } from "react";
import { autoTopUpSchema } from "@/lib/billing/schemas";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { money } from "@/components/account/format";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { useAutoTopUp, useSaveAutoTopUp, type AutoTopUp } from "./hooks/use-auto-top-up";

const FIELDS = ["enabled", "thresholdUsd", "amountUsd", "monthlyMaxUsd"] as const;

export function AutoTopUpForm({
  initial,
  canManage,
  hasPaymentMethod,
}: {
  initial: AutoTopUp;
  canManage: boolean;
  hasPaymentMethod: boolean;
}) {
  const { data } = useAutoTopUp({ initialData: initial });
  const current = data ?? initial;
  const [form, setForm] = useState({
    enabled: current.enabled,
    thresholdUsd: current.thresholdUsd,
    amountUsd: current.amountUsd.replace(/\.00$/, ""),
    monthlyMaxUsd: current.monthlyMaxUsd,
  });
  const [errors, setErrors] = useState<FormErrors>({});
  const [saved, setSaved] = useState(false);
  const save = useSaveAutoTopUp();
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [k]: k === "enabled" ? e.target.checked : e.target.value }));

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const parsed = autoTopUpSchema.safeParse(form);
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      await save.mutateAsync(parsed.data);
      setSaved(true);
    } catch (err) {
      setErrors(errorsFromApi(err, FIELDS));
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <fieldset disabled={!canManage} className="space-y-4" aria-describedby={canManage ? undefined : "auto-top-up-owner"}>
        <legend className="sr-only">Auto top-up settings</legend>
        <label className="flex items-center gap-2 text-sm font-medium text-slate-700 touch:min-h-11">
          <input
            type="checkbox"
            name="enabled"
            checked={form.enabled}
            onChange={set("enabled")}
            className="size-4 rounded border-slate-300 text-indigo-600"
          />
          Top up automatically
        </label>
        {errors.enabled && <p className="text-sm text-red-600">{errors.enabled}</p>}
        <div className="grid gap-4 sm:grid-cols-3">
          <Field
            id="auto-threshold"
            name="thresholdUsd"
            label="When credits fall below (USD)"
            inputMode="decimal"
            value={form.thresholdUsd}
            onChange={set("thresholdUsd")}
            error={errors.thresholdUsd}
          />
          <Field
            id="auto-amount"
            name="amountUsd"
            label="Buy (USD, whole dollars)"
            inputMode="numeric"
            value={form.amountUsd}
            onChange={set("amountUsd")}
            error={errors.amountUsd}
            hint="$5 to $50,000"
          />
          <Field
            id="auto-max"
            name="monthlyMaxUsd"
            label="At most per month (USD)"
            inputMode="decimal"
            value={form.monthlyMaxUsd}
            onChange={set("monthlyMaxUsd")}
            error={errors.monthlyMaxUsd}
          />
        </div>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={!canManage || save.isPending}>
          {save.isPending ? "Saving…" : "Save auto top-up"}
        </Button>
        {current.toppedUpThisMonthUsd !== undefined && (
          <span className="text-xs text-slate-500">Topped up this month: {money(current.toppedUpThisMonthUsd)}</span>
        )}
      </div>
      {!canManage && <OwnerOnlyNote id="auto-top-up-owner" what="change auto top-up" />}
      {canManage && !hasPaymentMethod && form.enabled && (
        <Alert tone="warning">Auto top-up charges the saved card: add a card first.</Alert>
      )}
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
      {saved && <Alert tone="success">Auto top-up saved.</Alert>}
    </form>
  );
}
