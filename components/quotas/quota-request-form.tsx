"use client";
// Ask operators for more of a count quota: {quota, value, reason}, the API's own schema.
import { useState } from "react";
import { COUNT_QUOTAS } from "@/lib/quotas/definitions";
import { createQuotaRequestSchema } from "@/lib/quotas/schemas";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { SelectField } from "@/components/ui/select-field";
import { TextareaField } from "@/components/ui/textarea-field";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { QUOTA_LABEL } from "./format";
import { useCreateQuotaRequest } from "./hooks/use-quota-requests";

const FIELDS = ["quota", "value", "reason"] as const;

export function QuotaRequestForm({
  quota,
  onQuotaChange,
  canManage,
  currentValues,
}: {
  quota: string;
  onQuotaChange: (q: string) => void;
  canManage: boolean;
  currentValues: Record<string, number>;
}) {
  const [value, setValue] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const [sent, setSent] = useState<string | null>(null);
  const create = useCreateQuotaRequest();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSent(null);
    // A whole number goes as a number; anything else goes as typed so the schema names the problem.
    const parsed = createQuotaRequestSchema.safeParse({ quota, value: /^\d+$/.test(value.trim()) ? Number(value.trim()) : value, reason });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      const req = await create.mutateAsync(parsed.data);
      setSent(
        `Requested ${req.value} for ${QUOTA_LABEL[req.quota]?.label ?? req.quota}. An operator will decide; you are notified either way.`,
      );
      setValue("");
      setReason("");
    } catch (err) {
      setErrors(errorsFromApi(err, FIELDS));
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Request a quota increase">
      <fieldset disabled={!canManage} className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            id="request-quota"
            name="quota"
            label="Quota"
            value={quota}
            onChange={(e) => onQuotaChange(e.target.value)}
            error={errors.quota}
          >
            {COUNT_QUOTAS.map((q) => (
              <option key={q.name} value={q.name}>
                {QUOTA_LABEL[q.name]?.label ?? q.name} (now {currentValues[q.name] ?? q.default})
              </option>
            ))}
          </SelectField>
          <Field
            id="request-value"
            name="value"
            label="New value"
            inputMode="numeric"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={errors.value}
            hint={`More than the current ${currentValues[quota] ?? ""}.`}
          />
        </div>
        <TextareaField
          id="request-reason"
          name="reason"
          label="Why do you need it?"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={errors.reason}
          maxLength={2000}
        />
      </fieldset>
      <Button type="submit" disabled={!canManage || create.isPending}>
        {create.isPending ? "Sending…" : "Request increase"}
      </Button>
      {!canManage && <OwnerOnlyNote id="quota-request-owner" what="request quota increases" />}
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
      {sent && <Alert tone="success">{sent}</Alert>}
    </form>
  );
}
