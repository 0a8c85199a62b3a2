"use client";
// On-demand deployments: create (model, GPU type, GPU count), start/stop and scale (PATCH), delete
// (DELETE — the API stops the deployment, charges its minutes and removes it from the list), with the GPU
// quotas beside them. Refusals (422 quota_exceeded, 402 suspended) show the API's own message.
import { useState } from "react";
import { GPU_TYPES, createDeploymentSchema, updateDeploymentSchema } from "@/lib/resources/schemas";
import { GPU_MINUTE_PRICE } from "@/lib/resources/pricing";
import type { CatalogueModelView } from "@/lib/resources/list-catalogue-models";
import { usdString } from "@/lib/money";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { SelectField } from "@/components/ui/select-field";
import { Table } from "@/components/ui/table";
import { dateTime } from "@/components/account/format";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { useQuotas, type Quota } from "@/components/quotas/hooks/use-quotas";
import { DEPLOYMENT_STATE, deploymentTiming, exactUsd, gpuLabel, isQuotaExceeded, wholeNumberInput } from "./format";
import { FormAlert } from "./form-alert";
import { useCustomModels, type CustomModel } from "./hooks/use-custom-models";
import { useCreateDeployment, useDeleteDeployment, useDeployments, useUpdateDeployment, type Deployment } from "./hooks/use-deployments";
import { QuotaMeters } from "./quota-meter";

const FIELDS = ["model", "gpuType", "gpuCount"] as const;
type GpuType = (typeof GPU_TYPES)[number];
const GPU_PRICE = Object.fromEntries(GPU_TYPES.map((t) => [t, exactUsd(usdString(GPU_MINUTE_PRICE[t]))])) as Record<GpuType, string>;

interface Refusal {
  message: string;
  quotaExceeded: boolean;
}

function refusalOf(err: unknown, fallback: string): Refusal {
  return { message: err instanceof Error ? err.message : fallback, quotaExceeded: isQuotaExceeded(err) };
}

export function DeploymentsSection({
  initialDeployments,
  initialQuotas,
  initialModels,
  catalogue,
  canManage,
}: {
  initialDeployments: Deployment[];
  initialQuotas: Quota[];
  /** The account's custom models and LoRAs: deployable like catalogue models. */
  initialModels: CustomModel[];
  catalogue: CatalogueModelView[];
  canManage: boolean;
}) {
  const deployments = useDeployments({ initialData: { deployments: initialDeployments } }).data?.deployments ?? initialDeployments;
  const quotas = useQuotas({ initialData: { quotas: initialQuotas } }).data?.quotas ?? initialQuotas;
  const ownModels = useCustomModels({ initialData: { models: initialModels } }).data?.models ?? initialModels;
  const create = useCreateDeployment();
  const update = useUpdateDeployment();
  const remove = useDeleteDeployment();

  const [model, setModel] = useState(catalogue[0]?.name ?? "");
  const [gpuType, setGpuType] = useState<GpuType>("A100");
  const [gpuCount, setGpuCount] = useState("1");
  const [errors, setErrors] = useState<FormErrors>({});
  const [quotaHit, setQuotaHit] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  const [rowError, setRowError] = useState<Refusal | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const [scaling, setScaling] = useState<Deployment | null>(null);
  const [scaleTo, setScaleTo] = useState("");
  const [scaleErrors, setScaleErrors] = useState<FormErrors>({});
  const [scaleQuotaHit, setScaleQuotaHit] = useState(false);

  const [deleting, setDeleting] = useState<Deployment | null>(null);

  async function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCreated(null);
    setQuotaHit(false);
    const parsed = createDeploymentSchema.safeParse({ model, gpuType, gpuCount: wholeNumberInput(gpuCount) });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      const d = await create.mutateAsync(parsed.data);
      setCreated(`Deploying ${d.model} on ${gpuLabel(d.gpuCount, d.gpuType)}: it is starting and is charged once it runs.`);
    } catch (err) {
      setErrors(errorsFromApi(err, FIELDS));
      setQuotaHit(isQuotaExceeded(err));
    }
  }

  async function startOrStop(d: Deployment, action: "start" | "stop") {
    setRowError(null);
    setBusyId(d.id);
    try {
      await update.mutateAsync({ id: d.id, change: { action } });
    } catch (err) {
      setRowError(refusalOf(err, `Could not ${action} the deployment.`));
    } finally {
      setBusyId(null);
    }
  }

  function openScale(d: Deployment) {
    setScaling(d);
    setScaleTo(String(d.gpuCount));
    setScaleErrors({});
    setScaleQuotaHit(false);
  }

  async function onScale() {
    if (!scaling) return;
    setScaleQuotaHit(false);
    const parsed = updateDeploymentSchema.safeParse({ gpuCount: wholeNumberInput(scaleTo) });
    if (!parsed.success) return setScaleErrors(errorsFromIssues(parsed.error.issues));
    setScaleErrors({});
    try {
      await update.mutateAsync({ id: scaling.id, change: parsed.data });
      setScaling(null);
    } catch (err) {
      setScaleErrors(errorsFromApi(err, ["gpuCount"]));
      setScaleQuotaHit(isQuotaExceeded(err));
    }
  }

  async function onDelete() {
    if (!deleting) return;
    setRowError(null);
    try {
      await remove.mutateAsync(deleting.id);
    } catch (err) {
      setRowError(refusalOf(err, "Could not delete the deployment."));
    }
    setDeleting(null);
  }

  return (
    <section id="deployments" aria-labelledby="deployments-heading" className="scroll-mt-6">
      <Card>
        <h2 id="deployments-heading" className="mb-3 text-base font-semibold">
          Deployments
        </h2>
        <QuotaMeters
          quotas={quotas}
          names={["a100-gpus", "h100-gpus"]}
          note="Starting and running deployments hold their GPUs; stopped ones hold none."
        />

        <form onSubmit={onCreate} noValidate aria-label="Create a deployment" className="space-y-3">
          <fieldset disabled={!canManage} className="grid gap-3 sm:grid-cols-[1fr_9rem_8rem_auto] sm:items-start">
            <SelectField
              id="deployment-model"
              name="model"
              label="Model"
              value={model}
              onChange={(e) => setModel(e.target.value)}
              error={errors.model}
              aria-describedby={canManage ? undefined : "deployments-owner"}
            >
              {ownModels.length > 0 && (
                <optgroup label="Your models and LoRAs">
                  {ownModels.map((m) => (
                    <option key={m.id} value={m.name}>
                      {m.name}
                    </option>
                  ))}
                </optgroup>
              )}
              <optgroup label="Catalogue">
                {catalogue.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name}
                  </option>
                ))}
              </optgroup>
            </SelectField>
            <SelectField
              id="deployment-gpu-type"
              name="gpuType"
              label="GPU type"
              value={gpuType}
              onChange={(e) => setGpuType(e.target.value as GpuType)}
              error={errors.gpuType}
            >
              {GPU_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </SelectField>
            <Field
              id="deployment-gpu-count"
              name="gpuCount"
              label="GPU count"
              inputMode="numeric"
              autoComplete="off"
              value={gpuCount}
              onChange={(e) => setGpuCount(e.target.value)}
              error={errors.gpuCount}
            />
            <Button type="submit" className="sm:mt-6" disabled={!canManage || create.isPending}>
              {create.isPending ? "Deploying…" : "Deploy"}
            </Button>
          </fieldset>
          <p className="text-xs text-slate-500">
            Charged per GPU-minute while running: A100 {GPU_PRICE.A100}, H100 {GPU_PRICE.H100}. Counts toward your monthly spend limit.
          </p>
          {!canManage && <OwnerOnlyNote id="deployments-owner" what="create, start, stop, scale or delete deployments" />}
          <FormAlert message={errors.form} quotaExceeded={quotaHit} testId="deployment-form-error" />
          {created && <Alert tone="success">{created}</Alert>}
        </form>

        <div className="mt-5">
          {rowError && (
            <div className="mb-3">
              <FormAlert message={rowError.message} quotaExceeded={rowError.quotaExceeded} testId="deployment-action-error" />
            </div>
          )}
          {deployments.length === 0 ? (
            <p className="text-sm text-slate-600">No deployments yet.</p>
          ) : (
            <Table
              label="Deployments"
              width="wide"
              rows={deployments}
              rowKey={(d) => d.id}
              rowProps={(d) => ({ "data-testid": `deployment-${d.id}`, "data-state": d.state })}
              columns={[
                {
                  id: "model",
                  header: "Model",
                  kind: "title",
                  cell: (d) => (
                    <>
                      <span className="font-mono text-xs font-medium">{d.model}</span>
                      <span className="block text-xs text-slate-500">
                        Created <time dateTime={d.createdAt}>{dateTime(d.createdAt)}</time>
                      </span>
                    </>
                  ),
                },
                {
                  id: "gpus",
                  header: "GPUs",
                  className: "whitespace-nowrap",
                  cell: (d) => (
                    <>
                      <span data-testid="gpu-count">{d.gpuCount}</span> × {d.gpuType}
                    </>
                  ),
                },
                {
                  id: "state",
                  header: "State",
                  cell: (d) => {
                    const state = DEPLOYMENT_STATE[d.state] ?? { label: d.state, tone: "neutral" as const };
                    return (
                      <Badge tone={state.tone} data-testid="state">
                        {state.label}
                      </Badge>
                    );
                  },
                },
                {
                  id: "run",
                  header: "Run",
                  wrap: "narrow",
                  className: "text-xs text-slate-600",
                  cell: (d) => deploymentTiming(d, dateTime),
                },
                { id: "per-minute", header: "Per minute", align: "right", cell: (d) => exactUsd(d.pricePerMinuteUsd) },
                {
                  id: "charged",
                  header: "Charged",
                  align: "right",
                  cell: (d) => exactUsd(d.chargedUsd),
                  valueProps: () => ({ "data-testid": "charged" }),
                },
                {
                  id: "actions",
                  header: "Actions",
                  kind: "actions",
                  cell: (d) => {
                    const live = d.state !== "stopped";
                    const label = `${d.model} (${gpuLabel(d.gpuCount, d.gpuType)})`;
                    return (
                      <div className="inline-flex gap-1.5">
                        <Button
                          type="button"
                          variant="secondary"
                          className="w-16 px-2.5 py-1"
                          disabled={!canManage || busyId === d.id}
                          onClick={() => startOrStop(d, live ? "stop" : "start")}
                          aria-label={`${live ? "Stop" : "Start"} ${label}`}
                        >
                          {live ? "Stop" : "Start"}
                        </Button>
                        <Button
                          type="button"
                          variant="secondary"
                          className="px-2.5 py-1"
                          disabled={!canManage}
                          onClick={() => openScale(d)}
                          aria-label={`Scale ${label}`}
                        >
                          Scale
                        </Button>
                        <Button
                          type="button"
                          variant="secondary"
                          className="px-2.5 py-1"
                          disabled={!canManage}
                          onClick={() => setDeleting(d)}
                          aria-label={`Delete ${label}`}
                        >
                          Delete
                        </Button>
                      </div>
                    );
                  },
                },
              ]}
            />
          )}
        </div>
      </Card>

      <ConfirmDialog
        open={scaling !== null}
        title={`Scale ${scaling?.model ?? ""}`}
        confirmLabel="Scale"
        tone="primary"
        pending={update.isPending}
        onConfirm={onScale}
        onCancel={() => setScaling(null)}
        initialFocusId="scale-gpu-count"
      >
        <div className="space-y-3">
          <Field
            id="scale-gpu-count"
            name="gpuCount"
            label={`${scaling?.gpuType ?? ""} GPUs`}
            inputMode="numeric"
            autoComplete="off"
            value={scaleTo}
            onChange={(e) => setScaleTo(e.target.value)}
            error={scaleErrors.gpuCount}
            hint={`Now ${scaling?.gpuCount ?? ""}. Minutes so far are charged at the current size; more GPUs must fit in the ${scaling?.gpuType ?? ""} quota.`}
          />
          <FormAlert message={scaleErrors.form} quotaExceeded={scaleQuotaHit} testId="scale-error" />
        </div>
      </ConfirmDialog>

      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting ? `${deleting.model} (${gpuLabel(deleting.gpuCount, deleting.gpuType)})` : ""}?`}
        confirmLabel="Delete deployment"
        pending={remove.isPending}
        onConfirm={onDelete}
        onCancel={() => setDeleting(null)}
      >
        It stops now and frees its GPUs; the whole minutes it ran are charged, and stay on your invoices. It is removed from this list.
      </ConfirmDialog>
    </section>
  );
}
