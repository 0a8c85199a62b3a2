"use client";
// Per-model rate-limit policy: edit the numbers, see the simulator's growth curve for a traffic
// pattern as you type, save (audited; the gateway uses it at once). Same schema as the API.
import { useEffect, useMemo, useState } from "react";
import { policySchema, type Policy } from "@/lib/limits/policy";
import { PREVIEW_MAX_MINUTES, policyPreviewSchema } from "@/lib/limits/policy-input";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { SelectField } from "@/components/ui/select-field";
import { dateTime } from "@/components/account/format";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { usePolicies, usePolicyPreview, useSavePolicy, type ModelPolicy, type PreviewRequest } from "./hooks/use-policies";
import { PolicyPreviewChart } from "./policy-preview-chart";
import {
  POLICY_FIELDS,
  changedFields,
  formatMinute,
  fromForm,
  milestoneText,
  milestones,
  previewRows,
  toForm,
  type PolicyForm,
} from "./policy-transform";

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

type Draft = { ok: true; policy: Policy } | { ok: false; errors: FormErrors };

function validate(form: PolicyForm): Draft {
  const numbers = fromForm(form);
  if (!numbers.ok) return { ok: false, errors: numbers.errors };
  const parsed = policySchema.safeParse(numbers.value);
  return parsed.success ? { ok: true, policy: parsed.data } : { ok: false, errors: errorsFromIssues(parsed.error.issues) };
}

function ModelPolicyEditor({ model }: { model: ModelPolicy }) {
  const [form, setForm] = useState<PolicyForm>(() => toForm(model.policy));
  const [traffic, setTraffic] = useState({ traffic: "track", minutes: "180", modelLoadPct: "0" });
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const save = useSavePolicy();
  const draft = useMemo(() => validate(form), [form]);
  const errors: FormErrors = { ...(draft.ok ? {} : draft.errors), ...serverErrors };

  const previewInput = useMemo(() => {
    if (!draft.ok) return { request: null, errors: {} as FormErrors };
    const parsed = policyPreviewSchema.safeParse({
      policy: draft.policy,
      traffic: traffic.traffic,
      minutes: /^\d+$/.test(traffic.minutes) ? Number(traffic.minutes) : traffic.minutes,
      modelLoadPct: /^\d+(\.\d+)?$/.test(traffic.modelLoadPct) ? Number(traffic.modelLoadPct) : traffic.modelLoadPct,
    });
    if (!parsed.success) return { request: null, errors: errorsFromIssues(parsed.error.issues) };
    const request: PreviewRequest = {
      policy: draft.policy,
      traffic: traffic.traffic.trim(),
      minutes: parsed.data.minutes,
      modelLoadPct: parsed.data.modelLoadPct,
    };
    return { request, errors: {} as FormErrors };
  }, [draft, traffic]);
  const request = useDebounced(previewInput.request, 350);
  const preview = usePolicyPreview(request);
  const rows = useMemo(() => previewRows(preview.data?.minutes ?? []), [preview.data]);
  const changes = draft.ok ? changedFields(model.policy, draft.policy) : [];

  async function onSave(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(null);
    setServerErrors({});
    if (!draft.ok) return;
    try {
      await save.mutateAsync({ model: model.model, policy: draft.policy });
      setSaved(`Saved the policy of ${model.model}${changes.length ? ` (${changes.join(", ")})` : ""}. The gateway applies it now.`);
    } catch (err) {
      setServerErrors(
        errorsFromApi(
          err,
          POLICY_FIELDS.map((f) => f.key),
          "policy.",
        ),
      );
    }
  }

  const set = (k: keyof Policy) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setServerErrors({});
    setForm((f) => ({ ...f, [k]: e.target.value }));
  };

  return (
    <div className="space-y-6">
      <Card
        title={`Policy of ${model.model}`}
        action={
          <span className="text-xs text-slate-500">
            {model.stored
              ? `updated ${model.updatedAt ? dateTime(model.updatedAt) : ""}${model.updatedBy ? ` by ${model.updatedBy}` : ""}`
              : "built-in default"}
          </span>
        }
      >
        <form onSubmit={onSave} noValidate className="space-y-4" aria-label={`Rate-limit policy of ${model.model}`}>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {POLICY_FIELDS.map((f) => (
              <Field
                key={f.key}
                id={`policy-${f.key}`}
                name={f.key}
                label={f.label}
                inputMode="numeric"
                autoComplete="off"
                value={form[f.key]}
                onChange={set(f.key)}
                error={errors[f.key]}
                hint={f.hint}
              />
            ))}
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={!draft.ok || save.isPending}>
              {save.isPending ? "Saving…" : "Save policy"}
            </Button>
            <Button type="button" variant="secondary" onClick={() => setForm(toForm(model.policy))} disabled={changes.length === 0}>
              Reset
            </Button>
            <span className="text-xs text-slate-500" aria-live="polite">
              {changes.length ? `Unsaved: ${changes.join(", ")}` : "No unsaved changes"}
            </span>
          </div>
          {errors.form && <Alert tone="error">{errors.form}</Alert>}
          {saved && <Alert tone="success">{saved}</Alert>}
        </form>
      </Card>

      <Card title="Preview with the limit simulator">
        <div className="grid gap-4 sm:grid-cols-3">
          <Field
            id="preview-traffic"
            label="Traffic pattern"
            value={traffic.traffic}
            onChange={(e) => setTraffic({ ...traffic, traffic: e.target.value })}
            error={previewInput.errors.traffic}
            hint="track | constant:<rpm> | ramp:<from>:<to> | spike:<rpm>@<minute>[:<base>]"
          />
          <Field
            id="preview-minutes"
            label="Minutes"
            inputMode="numeric"
            value={traffic.minutes}
            onChange={(e) => setTraffic({ ...traffic, minutes: e.target.value })}
            error={previewInput.errors.minutes}
            hint={`1 to ${PREVIEW_MAX_MINUTES}`}
          />
          <Field
            id="preview-load"
            label="Model load (% of capacity)"
            inputMode="decimal"
            value={traffic.modelLoadPct}
            onChange={(e) => setTraffic({ ...traffic, modelLoadPct: e.target.value })}
            error={previewInput.errors.modelLoadPct}
            hint="Above the growth gate no limit grows."
          />
        </div>
        <div className="mt-4 min-h-80">
          {!draft.ok ? (
            <p className="text-sm text-slate-600">Fix the policy&apos;s fields to see the preview.</p>
          ) : preview.isError ? (
            <Alert tone="error">{preview.error.message}</Alert>
          ) : (
            <div className={preview.isFetching ? "opacity-70 transition-opacity" : undefined}>
              <PolicyPreviewChart rows={rows} capRpm={draft.policy.capRpm} />
              {preview.data && (
                <dl className="mt-3 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
                  <div className="col-span-2 sm:col-span-4">
                    <dt className="text-slate-500">Growth</dt>
                    <dd className="font-medium tabular-nums" data-testid="preview-milestones">
                      {milestoneText(milestones(preview.data.minutes))} RPM
                    </dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Limit at the end</dt>
                    <dd className="font-semibold tabular-nums">{preview.data.summary.endRpm.toLocaleString("en-US")} RPM</dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Cap reached</dt>
                    <dd className="tabular-nums">
                      {preview.data.summary.capReachedAtMinute === null
                        ? "not in this run"
                        : `after ${formatMinute(preview.data.summary.capReachedAtMinute)}`}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Over limit</dt>
                    <dd className="tabular-nums">{preview.data.summary.admittedOverLimit.toLocaleString("en-US")}</dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Rejected (429)</dt>
                    <dd className="tabular-nums">{preview.data.summary.rejected.toLocaleString("en-US")}</dd>
                  </div>
                </dl>
              )}
            </div>
          )}
        </div>
      </Card>
    </div>
  );
}

export function PolicyEditor({ initial }: { initial: ModelPolicy[] }) {
  const policies = usePolicies({ initialData: { policies: initial } }).data?.policies ?? initial;
  const [selected, setSelected] = useState(initial[0]?.model ?? "");
  const model = policies.find((p) => p.model === selected) ?? policies[0];
  if (!model) return <p className="text-sm text-slate-600">No models.</p>;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end gap-4">
        <div className="w-full sm:w-72">
          <SelectField id="policy-model" label="Model" value={model.model} onChange={(e) => setSelected(e.target.value)}>
            {policies.map((p) => (
              <option key={p.model} value={p.model}>
                {p.model} — {p.displayName}
              </option>
            ))}
          </SelectField>
        </div>
        <p className="flex flex-wrap gap-2 pb-2 text-xs text-slate-600">
          <Badge>{model.sizeClass}</Badge>
          <span>capacity {model.capacityTokensPerMin.toLocaleString("en-US")} tokens/min</span>
          {!model.active && <Badge tone="warning">inactive</Badge>}
        </p>
      </div>
      {/* Keyed by model: switching models starts from that model's stored numbers. */}
      <ModelPolicyEditor key={model.model} model={model} />
    </div>
  );
}
