"use client";
// /api-keys: create a key (its secret is shown once, with a copy button), list keys with when they
// were last used, revoke one after a confirmation.
import { useState } from "react";
import { createApiKeySchema } from "@/lib/keys/schemas";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { Table } from "@/components/ui/table";
import { dateTime, timeAgo } from "@/components/account/format";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { useApiKeys, useCreateApiKey, useRevokeApiKey, type ApiKey, type CreatedApiKey } from "./hooks/use-api-keys";

export function ApiKeysView({ initial, isOwner }: { initial: ApiKey[]; isOwner: boolean }) {
  const keys = useApiKeys({ initialData: { apiKeys: initial } }).data?.apiKeys ?? initial;
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();

  async function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const parsed = createApiKeySchema.safeParse({ name });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    try {
      setCreated(await create.mutateAsync(parsed.data.name));
      setName("");
    } catch (err) {
      setErrors(errorsFromApi(err, ["name"]));
    }
  }

  async function onRevoke() {
    if (!revoking) return;
    setRevokeError(null);
    try {
      await revoke.mutateAsync(revoking.id);
      if (created?.id === revoking.id) setCreated(null);
      setRevoking(null);
    } catch (err) {
      setRevoking(null);
      setRevokeError(err instanceof Error ? err.message : "Could not revoke the key.");
    }
  }

  return (
    <div className="space-y-6">
      <Card title="Create a key">
        <form onSubmit={onCreate} noValidate className="flex flex-wrap items-start gap-3">
          <div className="w-full max-w-xs">
            <Field
              id="key-name"
              name="name"
              label="Name"
              placeholder="e.g. production"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={errors.name}
              maxLength={64}
            />
          </div>
          <Button type="submit" className="sm:mt-6" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create key"}
          </Button>
        </form>
        {errors.form && (
          <div className="mt-3">
            <Alert tone="error">{errors.form}</Alert>
          </div>
        )}
        {created && (
          <div className="mt-4 space-y-2 rounded-md bg-amber-50 p-4 ring-1 ring-amber-200" data-testid="new-key">
            <p className="text-sm font-semibold text-amber-950">Copy your new key “{created.name}” now — it is not shown again.</p>
            <div className="flex flex-wrap items-center gap-2">
              <code
                className="min-w-0 flex-1 rounded bg-white px-3 py-2 font-mono text-sm break-all ring-1 ring-amber-200"
                data-testid="new-key-secret"
                aria-label="New API key"
              >
                {created.secret}
              </code>
              <CopyButton text={created.secret} />
            </div>
            <p className="text-xs text-amber-900">
              Use it as <code>Authorization: Bearer &lt;key&gt;</code> with any OpenAI SDK (base URL <code>/v1</code>) or the{" "}
              <code>headroom</code> CLI.
            </p>
            <Button type="button" variant="ghost" className="px-2 py-1 text-xs" onClick={() => setCreated(null)}>
              I have copied it
            </Button>
          </div>
        )}
      </Card>

      <Card title="Keys">
        {revokeError && (
          <div className="mb-3">
            <Alert tone="error">{revokeError}</Alert>
          </div>
        )}
        {keys.length === 0 ? (
          <p className="text-sm text-slate-600">No keys yet.</p>
        ) : (
          <Table
            label="API keys"
            rows={keys}
            rowKey={(k) => k.id}
            rowProps={(k) => ({ "data-testid": `api-key-${k.id}`, className: k.revokedAt ? "text-slate-400" : undefined })}
            columns={[
              { id: "name", header: "Name", kind: "title", className: "font-medium", cell: (k) => k.name },
              { id: "key", header: "Key", className: "font-mono text-xs", cell: (k) => `${k.prefix}…` },
              { id: "created", header: "Created", cell: (k) => dateTime(k.createdAt) },
              {
                id: "last-used",
                header: "Last used",
                cell: (k) => timeAgo(k.lastUsedAt),
                valueProps: (k) => ({ title: k.lastUsedAt ? dateTime(k.lastUsedAt) : undefined }),
              },
              {
                id: "status",
                header: "Status",
                cell: (k) => (k.revokedAt ? <Badge>revoked</Badge> : <Badge tone="success">active</Badge>),
              },
              {
                id: "actions",
                header: "Actions",
                kind: "actions",
                cell: (k) =>
                  !k.revokedAt && (
                    <Button
                      type="button"
                      variant="secondary"
                      className="px-2.5 py-1"
                      onClick={() => setRevoking(k)}
                      aria-label={`Revoke key ${k.name}`}
                    >
                      Revoke
                    </Button>
                  ),
              },
            ]}
          />
        )}
        {!isOwner && <p className="mt-3 text-xs text-slate-500">As a member you can revoke only the keys you created.</p>}
      </Card>

      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        onConfirm={onRevoke}
        onCancel={() => setRevoking(null)}
      >
        Requests with <code className="font-mono">{revoking?.prefix}…</code> answer 401 within a second, on every instance. This cannot be
        undone.
      </ConfirmDialog>
    </div>
  );
}
