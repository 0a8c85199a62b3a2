"use client";
// Operator actions on one account: set the tier (e.g. Unlimited), suspend with a reason the owner
// sees, lift a manual suspension. Each form uses the route's own schema; API errors land by the field.
import { useState } from "react";
import { setTierSchema, suspendSchema, unsuspendSchema } from "@/lib/billing/schemas";
import { TIER_LADDER } from "@/lib/billing/tiers";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { SelectField } from "@/components/ui/select-field";
import { TextareaField } from "@/components/ui/textarea-field";
import { TIER_LABEL, REASON_LABEL } from "@/components/account/format";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { useSetTier, useSuspend, useUnsuspend } from "./hooks/use-operator-accounts";

export function SetTierForm({ accountId, tier }: { accountId: string; tier: string }) {
  const [form, setForm] = useState({ tier, note: "" });
  const [errors, setErrors] = useState<FormErrors>({});
  const [done, setDone] = useState<string | null>(null);
  const mutation = useSetTier(accountId);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(null);
    const parsed = setTierSchema.safeParse({ tier: form.tier, note: form.note || undefined });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      const r = await mutation.mutateAsync(parsed.data);
      setDone(`Tier set: ${TIER_LABEL[r.previousTier] ?? r.previousTier} → ${TIER_LABEL[r.tier] ?? r.tier}. Status: ${r.status}.`);
    } catch (err) {
      setErrors(errorsFromApi(err, ["tier", "note"]));
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Set tier">
      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField
          id="op-tier"
          label="Tier"
          value={form.tier}
          onChange={(e) => setForm({ ...form, tier: e.target.value })}
          error={errors.tier}
        >
          {TIER_LADDER.map((r) => (
            <option key={r.tier} value={r.tier}>
              {r.label}
            </option>
          ))}
        </SelectField>
        <Field
          id="op-tier-note"
          label="Note (audit log)"
          value={form.note}
          onChange={(e) => setForm({ ...form, note: e.target.value })}
          error={errors.note}
          maxLength={500}
        />
      </div>
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? "Saving…" : "Set tier"}
      </Button>
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
    </form>
  );
}

export function SuspensionForms({ accountId, manual }: { accountId: string; manual: boolean }) {
  const [reason, setReason] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const [done, setDone] = useState<string | null>(null);
  const suspend = useSuspend(accountId);
  const lift = useUnsuspend(accountId);

  async function onSuspend(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(null);
    const parsed = suspendSchema.safeParse({ reason });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      const r = await suspend.mutateAsync(parsed.data);
      setDone(r.alreadySuspended ? "Already suspended manually; the reason was kept." : "Suspended. API calls answer 402 within a second.");
      setReason("");
    } catch (err) {
      setErrors(errorsFromApi(err, ["reason"]));
    }
  }

  async function onLift(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(null);
    const parsed = unsuspendSchema.safeParse({ note });
    if (!parsed.success) return setErrors({ liftNote: parsed.error.issues[0]?.message ?? "invalid note" });
    setErrors({});
    try {
      const r = await lift.mutateAsync(parsed.data);
      setDone(
        r.remainingReasons.length
          ? `Manual suspension lifted; still suspended for: ${r.remainingReasons.map((x) => REASON_LABEL[x] ?? x).join(", ")}.`
          : "Manual suspension lifted; the account is active.",
      );
      setNote("");
    } catch (err) {
      const placed = errorsFromApi(err, ["note"]);
      setErrors(placed.note ? { liftNote: placed.note } : placed);
    }
  }

  return (
    <div className="space-y-5">
      {manual ? (
        <form onSubmit={onLift} noValidate className="space-y-3" aria-label="Lift manual suspension">
          <Field
            id="op-lift-note"
            label="Note (audit log)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            error={errors.liftNote}
            maxLength={500}
          />
          <Button type="submit" variant="primary" disabled={lift.isPending}>
            {lift.isPending ? "Lifting…" : "Lift manual suspension"}
          </Button>
        </form>
      ) : (
        <form onSubmit={onSuspend} noValidate className="space-y-3" aria-label="Suspend account">
          <TextareaField
            id="op-suspend-reason"
            label="Reason (the owner sees it)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={errors.reason}
            maxLength={500}
          />
          <Button type="submit" variant="danger" disabled={suspend.isPending}>
            {suspend.isPending ? "Suspending…" : "Suspend account"}
          </Button>
        </form>
      )}
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
    </div>
  );
}
