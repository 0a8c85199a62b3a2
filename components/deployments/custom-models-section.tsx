"use client";
// Custom models and LoRA adapters: the list, a create form (owner), delete after a confirmation,
// and the deployed-models quota they count toward (fine-tuning jobs in progress hold a slot too).
import { useState } from "react";
import { createCustomModelSchema } from "@/lib/resources/schemas";
import type { CatalogueModelView } from "@/lib/resources/list-catalogue-models";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { SelectField } from "@/components/ui/select-field";
import { Table } from "@/components/ui/table";
import { Alert } from "@/components/ui/alert";
import { dateTime } from "@/components/account/format";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { useQuotas, type Quota } from "@/components/quotas/hooks/use-quotas";
import { MODEL_KIND, isQuotaExceeded } from "./format";
import { FormAlert } from "./form-alert";
import { useCreateCustomModel, useCustomModels, useDeleteCustomModel, type CustomModel } from "./hooks/use-custom-models";
import { QuotaMeters } from "./quota-meter";

const FIELDS = ["name", "kind", "baseModel"] as const;

export function CustomModelsSection({
  initialModels,
  initialQuotas,
  catalogue,
  canManage,
}: {
  initialModels: CustomModel[];
  initialQuotas: Quota[];
  catalogue: CatalogueModelView[];
  canManage: boolean;
}) {
  const models = useCustomModels({ initialData: { models: initialModels } }).data?.models ?? initialModels;
  const quotas = useQuotas({ initialData: { quotas: initialQuotas } }).data?.quotas ?? initialQuotas;
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"model" | "lora">("lora");
  const [baseModel, setBaseModel] = useState(catalogue[0]?.name ?? "");
  const [errors, setErrors] = useState<FormErrors>({});
  const [quotaHit, setQuotaHit] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<CustomModel | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const create = useCreateCustomModel();
  const remove = useDeleteCustomModel();
  // A LoRA's base: a catalogue model or one of the account's own full models (the API checks again).
  const ownFullModels = models.filter((m) => m.kind === "model");

  function onKindChange(next: "model" | "lora") {
    setKind(next);
    // A LoRA needs a base: leave "None" for the first catalogue model.
    if (next === "lora" && baseModel === "") setBaseModel(catalogue[0]?.name ?? "");
  }

  async function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCreated(null);
    setQuotaHit(false);
    const parsed = createCustomModelSchema.safeParse({ name, kind, baseModel: baseModel === "" ? undefined : baseModel });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      const model = await create.mutateAsync(parsed.data);
      setCreated(`Created ${MODEL_KIND[model.kind]?.toLowerCase() ?? model.kind} “${model.name}”.`);
      setName("");
    } catch (err) {
      setErrors(errorsFromApi(err, FIELDS));
      setQuotaHit(isQuotaExceeded(err));
    }
  }

  async function onDelete() {
    if (!deleting) return;
    setDeleteError(null);
    try {
      await remove.mutateAsync(deleting.id);
    } catch (err) {
      setDeleteError(err instanceof Error ? err.message : "Could not delete the model.");
    }
    setDeleting(null);
  }

  return (
    <section id="models" aria-labelledby="models-heading" className="scroll-mt-6">
      <Card>
        <h2 id="models-heading" className="mb-3 text-base font-semibold">
          Custom models &amp; LoRAs
        </h2>
        <QuotaMeters
          quotas={quotas}
          names={["deployed-models"]}
          note="Each custom model and LoRA takes one slot; so does each fine-tuning job until it ends."
        />

        <form onSubmit={onCreate} noValidate aria-label="Create a custom model" className="space-y-3">
          <fieldset disabled={!canManage} className="grid gap-3 sm:grid-cols-[1fr_10rem_1fr_auto] sm:items-start">
            <Field
              id="model-name"
              name="name"
              label="Name"
              placeholder="e.g. support-bot-v2"
              autoComplete="off"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={errors.name}
              maxLength={63}
              aria-describedby={canManage ? undefined : "models-owner"}
            />
            <SelectField
              id="model-kind"
              name="kind"
              label="Kind"
              value={kind}
              onChange={(e) => onKindChange(e.target.value as "model" | "lora")}
              error={errors.kind}
            >
              <option value="lora">{MODEL_KIND.lora}</option>
              <option value="model">{MODEL_KIND.model}</option>
            </SelectField>
            <SelectField
              id="model-base"
              name="baseModel"
              label="Base model"
              value={baseModel}
              onChange={(e) => setBaseModel(e.target.value)}
              error={errors.baseModel}
            >
              {kind === "model" && <option value="">None</option>}
              <optgroup label="Catalogue">
                {catalogue.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name}
                  </option>
                ))}
              </optgroup>
              {kind === "lora" && ownFullModels.length > 0 && (
                <optgroup label="Your models">
                  {ownFullModels.map((m) => (
                    <option key={m.id} value={m.name}>
                      {m.name}
                    </option>
                  ))}
                </optgroup>
              )}
            </SelectField>
            <Button type="submit" className="sm:mt-6" disabled={!canManage || create.isPending}>
              {create.isPending ? "Creating…" : "Create model"}
            </Button>
          </fieldset>
          {!canManage && <OwnerOnlyNote id="models-owner" what="create or delete custom models" />}
          <FormAlert message={errors.form} quotaExceeded={quotaHit} testId="model-form-error" />
          {created && <Alert tone="success">{created}</Alert>}
        </form>

        <div className="mt-5">
          {deleteError && (
            <div className="mb-3">
              <Alert tone="error">{deleteError}</Alert>
            </div>
          )}
          {models.length === 0 ? (
            <p className="text-sm text-slate-600">No custom models yet.</p>
          ) : (
            <Table
              label="Custom models and LoRAs"
              rows={models}
              rowKey={(m) => m.id}
              rowProps={(m) => ({ "data-testid": `custom-model-${m.name}` })}
              columns={[
                {
                  id: "name",
                  header: "Name",
                  kind: "title",
                  cell: (m) => (
                    <>
                      <span className="font-mono text-xs font-medium">{m.name}</span>
                      <span className="block text-xs text-slate-500">
                        Created <time dateTime={m.createdAt}>{dateTime(m.createdAt)}</time>
                      </span>
                    </>
                  ),
                },
                {
                  id: "kind",
                  header: "Kind",
                  cell: (m) => <Badge tone={m.kind === "lora" ? "info" : "neutral"}>{MODEL_KIND[m.kind] ?? m.kind}</Badge>,
                },
                { id: "base-model", header: "Base model", className: "font-mono text-xs", cell: (m) => m.baseModel ?? "—" },
                {
                  id: "actions",
                  header: "Actions",
                  kind: "actions",
                  cell: (m) => (
                    <Button
                      type="button"
                      variant="secondary"
                      className="px-2.5 py-1"
                      onClick={() => setDeleting(m)}
                      disabled={!canManage}
                      aria-label={`Delete ${m.name}`}
                    >
                      Delete
                    </Button>
                  ),
                },
              ]}
            />
          )}
        </div>
      </Card>

      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.name ?? ""}”?`}
        confirmLabel="Delete model"
        pending={remove.isPending}
        onConfirm={onDelete}
        onCancel={() => setDeleting(null)}
      >
        It is removed from this account and frees its deployed-models slot at once. This cannot be undone.
      </ConfirmDialog>
    </section>
  );
}
