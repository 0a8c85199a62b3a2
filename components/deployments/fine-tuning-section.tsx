"use client";
// Fine-tuning jobs: create one (base model, dataset tokens, epochs — the API's schema), follow its
// progress and cost, cancel it, or resume it after a suspension paused it.
import { useState } from "react";
import { MAX_EPOCHS, createFineTuningJobSchema } from "@/lib/resources/schemas";
import { FINE_TUNING_PRICE_PER_MTOK } from "@/lib/resources/pricing";
import type { CatalogueModelView } from "@/lib/resources/list-catalogue-models";
import { usdString } from "@/lib/money";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { ProgressBar } from "@/components/ui/progress-bar";
import { SelectField } from "@/components/ui/select-field";
import { Table } from "@/components/ui/table";
import { dateTime } from "@/components/account/format";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { FINE_TUNING_STATE, compactTokens, exactUsd, isQuotaExceeded, tokenCount, wholeNumberInput } from "./format";
import { FormAlert } from "./form-alert";
import { useCreateFineTuningJob, useFineTuningJobAction, useFineTuningJobs, type FineTuningJob } from "./hooks/use-fine-tuning-jobs";

const FIELDS = ["baseModel", "datasetTokens", "epochs"] as const;
const PRICE = exactUsd(usdString(FINE_TUNING_PRICE_PER_MTOK));
const FINAL = new Set(["completed", "failed", "cancelled"]);

export function FineTuningSection({
  initialJobs,
  catalogue,
  canManage,
}: {
  initialJobs: FineTuningJob[];
  catalogue: CatalogueModelView[];
  canManage: boolean;
}) {
  const jobs = useFineTuningJobs({ initialData: { fineTuningJobs: initialJobs } }).data?.fineTuningJobs ?? initialJobs;
  const create = useCreateFineTuningJob();
  const act = useFineTuningJobAction();
  const [baseModel, setBaseModel] = useState(catalogue[0]?.name ?? "");
  const [datasetTokens, setDatasetTokens] = useState("");
  const [epochs, setEpochs] = useState("3");
  const [errors, setErrors] = useState<FormErrors>({});
  const [quotaHit, setQuotaHit] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<FineTuningJob | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  async function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCreated(null);
    setQuotaHit(false);
    const parsed = createFineTuningJobSchema.safeParse({
      baseModel,
      datasetTokens: wholeNumberInput(datasetTokens),
      epochs: wholeNumberInput(epochs),
    });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      const job = await create.mutateAsync(parsed.data);
      setCreated(
        `Queued a job on ${job.baseModel}: ${tokenCount(job.totalTokens)} training tokens, about ${exactUsd(job.estimatedCostUsd)} in all.`,
      );
      setDatasetTokens("");
    } catch (err) {
      setErrors(errorsFromApi(err, FIELDS));
      setQuotaHit(isQuotaExceeded(err));
    }
  }

  async function run(job: FineTuningJob, action: "cancel" | "resume") {
    setActionError(null);
    try {
      await act.mutateAsync({ id: job.id, action });
    } catch (err) {
      setActionError(err instanceof Error ? err.message : `Could not ${action} the job.`);
    }
  }

  async function onCancel() {
    if (!cancelling) return;
    await run(cancelling, "cancel");
    setCancelling(null);
  }

  return (
    <section id="fine-tuning" aria-labelledby="fine-tuning-heading" className="scroll-mt-6">
      <Card>
        <h2 id="fine-tuning-heading" className="mb-3 text-base font-semibold">
          Fine-tuning jobs
        </h2>
        <form onSubmit={onCreate} noValidate aria-label="Create a fine-tuning job" className="space-y-3">
          <fieldset disabled={!canManage} className="grid gap-3 sm:grid-cols-[1fr_11rem_7rem_auto] sm:items-start">
            <SelectField
              id="ft-base-model"
              name="baseModel"
              label="Base model"
              value={baseModel}
              onChange={(e) => setBaseModel(e.target.value)}
              error={errors.baseModel}
              aria-describedby={canManage ? undefined : "fine-tuning-owner"}
            >
              {catalogue.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name}
                </option>
              ))}
            </SelectField>
            <Field
              id="ft-dataset-tokens"
              name="datasetTokens"
              label="Dataset tokens"
              inputMode="numeric"
              autoComplete="off"
              placeholder="e.g. 2000000"
              value={datasetTokens}
              onChange={(e) => setDatasetTokens(e.target.value)}
              error={errors.datasetTokens}
            />
            <Field
              id="ft-epochs"
              name="epochs"
              label="Epochs"
              inputMode="numeric"
              autoComplete="off"
              value={epochs}
              onChange={(e) => setEpochs(e.target.value)}
              error={errors.epochs}
              hint={`1–${MAX_EPOCHS}`}
            />
            <Button type="submit" className="sm:mt-6" disabled={!canManage || create.isPending}>
              {create.isPending ? "Creating…" : "Start job"}
            </Button>
          </fieldset>
          <p className="text-xs text-slate-500">
            Charged {PRICE} per 1M training tokens (dataset tokens × epochs) as training progresses; counts toward your monthly spend limit.
            A job holds one deployed-models slot until it ends; its output is a LoRA named ft-&lt;job id&gt;.
          </p>
          {!canManage && <OwnerOnlyNote id="fine-tuning-owner" what="start, cancel or resume fine-tuning jobs" />}
          <FormAlert message={errors.form} quotaExceeded={quotaHit} testId="fine-tuning-form-error" />
          {created && <Alert tone="success">{created}</Alert>}
        </form>

        <div className="mt-5">
          {actionError && (
            <div className="mb-3">
              <Alert tone="error">{actionError}</Alert>
            </div>
          )}
          {jobs.length === 0 ? (
            <p className="text-sm text-slate-600">No fine-tuning jobs yet.</p>
          ) : (
            <Table
              label="Fine-tuning jobs"
              width="wide"
              rows={jobs}
              rowKey={(j) => j.id}
              rowProps={(j) => ({ "data-testid": `fine-tuning-job-${j.id}`, "data-state": j.state })}
              columns={[
                {
                  id: "base-model",
                  header: "Base model",
                  kind: "title",
                  cell: (j) => (
                    <>
                      <span className="font-mono text-xs font-medium">{j.baseModel}</span>
                      {j.outputModel && <span className="block font-mono text-xs text-slate-500">→ {j.outputModel}</span>}
                      <span className="block text-xs text-slate-500">
                        Created <time dateTime={j.createdAt}>{dateTime(j.createdAt)}</time>
                      </span>
                    </>
                  ),
                },
                {
                  id: "status",
                  header: "Status",
                  wrap: "narrow",
                  cell: (j) => {
                    const state = FINE_TUNING_STATE[j.state] ?? { label: j.state, tone: "neutral" as const };
                    return (
                      <>
                        <Badge tone={state.tone} data-testid="state">
                          {state.label}
                        </Badge>
                        {j.reason && <span className="mt-0.5 block text-xs text-slate-500">{j.reason}</span>}
                      </>
                    );
                  },
                },
                {
                  id: "progress",
                  header: "Progress",
                  className: "w-36 max-w-full",
                  cell: (j) => (
                    <>
                      <ProgressBar percent={j.progressPct} label={`Progress of the ${j.baseModel} job`} tone="indigo" />
                      <span className="mt-0.5 block text-xs text-slate-500 tabular-nums">{j.progressPct} %</span>
                    </>
                  ),
                },
                {
                  id: "training-tokens",
                  header: "Training tokens",
                  align: "right",
                  cell: (j) => (
                    <>
                      {compactTokens(j.trainedTokens)} / {compactTokens(j.totalTokens)}
                      <span className="block text-xs text-slate-500">
                        {compactTokens(j.datasetTokens)} × {j.epochs} {j.epochs === 1 ? "epoch" : "epochs"}
                      </span>
                    </>
                  ),
                  valueProps: (j) => ({ title: `${tokenCount(j.trainedTokens)} of ${tokenCount(j.totalTokens)}` }),
                },
                {
                  id: "cost",
                  header: "Cost",
                  align: "right",
                  cell: (j) => (
                    <>
                      {exactUsd(j.chargedUsd)}
                      <span className="block text-xs text-slate-500">of ~{exactUsd(j.estimatedCostUsd)}</span>
                    </>
                  ),
                  valueProps: () => ({ "data-testid": "cost" }),
                },
                {
                  id: "actions",
                  header: "Actions",
                  kind: "actions",
                  cell: (j) =>
                    (j.state === "paused" || !FINAL.has(j.state)) && (
                      <div className="inline-flex gap-1.5">
                        {j.state === "paused" && (
                          <Button
                            type="button"
                            variant="secondary"
                            className="px-2.5 py-1"
                            disabled={!canManage || act.isPending}
                            onClick={() => run(j, "resume")}
                            aria-label={`Resume the ${j.baseModel} job`}
                          >
                            Resume
                          </Button>
                        )}
                        {!FINAL.has(j.state) && (
                          <Button
                            type="button"
                            variant="secondary"
                            className="px-2.5 py-1"
                            disabled={!canManage}
                            onClick={() => setCancelling(j)}
                            aria-label={`Cancel the ${j.baseModel} job`}
                          >
                            Cancel
                          </Button>
                        )}
                      </div>
                    ),
                },
              ]}
            />
          )}
        </div>
      </Card>

      <ConfirmDialog
        open={cancelling !== null}
        title={`Cancel the ${cancelling?.baseModel ?? ""} fine-tuning job?`}
        confirmLabel="Cancel job"
        pending={act.isPending}
        onConfirm={onCancel}
        onCancel={() => setCancelling(null)}
      >
        Training done so far is charged; the job stops for good and frees its deployed-models slot.
      </ConfirmDialog>
    </section>
  );
}
