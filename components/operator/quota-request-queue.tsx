"use client";
// The operators' queue of quota requests (oldest pending first): each with the account's current
// value and usage, approve (optional note) or deny (a reason the owner sees).
import Link from "next/link";
import { useState } from "react";
import { denyQuotaRequestSchema, approveQuotaRequestSchema } from "@/lib/quotas/schemas";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Segmented } from "@/components/ui/segmented";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { dateTime } from "@/components/account/format";
import { QUOTA_LABEL } from "@/components/quotas/format";
import { errorsFromApi, type FormErrors } from "@/components/console/form-errors";
import {
  useDecideQuotaRequest,
  useOperatorQuotaRequests,
  type OperatorQuotaRequest,
  type RequestFilter,
} from "./hooks/use-operator-quota-requests";

const FILTERS = [
  { value: "pending", label: "Pending" },
  { value: "approved", label: "Approved" },
  { value: "denied", label: "Denied" },
  { value: "all", label: "All" },
] as const;
const STATUS_TONE = { pending: "warning", approved: "success", denied: "danger" } as const;

function Decide({ request }: { request: OperatorQuotaRequest }) {
  const [text, setText] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const decide = useDecideQuotaRequest();
  const id = `decision-${request.id}`;

  async function run(decision: "approve" | "deny") {
    setErrors({});
    try {
      if (decision === "approve") {
        const parsed = approveQuotaRequestSchema.safeParse({ note: text || undefined });
        if (!parsed.success) return setErrors({ text: parsed.error.issues[0]?.message ?? "invalid note" });
        await decide.mutateAsync({ id: request.id, decision, note: parsed.data.note });
      } else {
        const parsed = denyQuotaRequestSchema.safeParse({ reason: text });
        if (!parsed.success) return setErrors({ text: `Reason ${parsed.error.issues[0]?.message ?? "is required"}` });
        await decide.mutateAsync({ id: request.id, decision, reason: parsed.data.reason });
      }
    } catch (err) {
      const placed = errorsFromApi(err, ["note", "reason"]);
      setErrors({ text: placed.note ?? placed.reason ?? placed.form ?? "Could not decide." });
    }
  }

  return (
    <div className="space-y-2">
      <Field
        id={id}
        label="Note to the owner (required to deny)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        error={errors.text}
        maxLength={2000}
      />
      <div className="flex gap-2">
        <Button type="button" onClick={() => run("approve")} disabled={decide.isPending}>
          Approve {request.value.toLocaleString("en-US")}
        </Button>
        <Button type="button" variant="danger" onClick={() => run("deny")} disabled={decide.isPending}>
          Deny
        </Button>
      </div>
    </div>
  );
}

export function QuotaRequestQueue({ initial }: { initial: OperatorQuotaRequest[] }) {
  const [filter, setFilter] = useState<RequestFilter>("pending");
  const query = useOperatorQuotaRequests(filter, { initialData: filter === "pending" ? { quotaRequests: initial } : undefined });
  const requests = query.data?.quotaRequests ?? [];
  return (
    <div className="space-y-4">
      <Segmented label="Show" options={FILTERS} value={filter} onChange={setFilter} />
      {requests.length === 0 ? (
        <Card>
          <p className="text-sm text-slate-600">
            {query.isFetching ? "Loading…" : filter === "pending" ? "No pending requests." : "None."}
          </p>
        </Card>
      ) : (
        <ul className="space-y-4" aria-label="Quota requests">
          {requests.map((r) => (
            <li key={r.id} data-testid={`op-quota-request-${r.id}`}>
              <Card>
                <div className="grid gap-4 md:grid-cols-[1fr_20rem]">
                  <div className="space-y-2 text-sm">
                    <p className="flex flex-wrap items-center gap-2">
                      <Link
                        href={`/operator/accounts/${r.account.id}`}
                        className={`font-semibold text-indigo-700 hover:underline ${TAP_TARGET}`}
                      >
                        {r.account.name}
                      </Link>
                      <Badge tone={STATUS_TONE[r.status]}>{r.status}</Badge>
                      <span className="text-xs text-slate-500">{dateTime(r.createdAt)}</span>
                    </p>
                    <p>
                      <span className="font-medium">{QUOTA_LABEL[r.quota]?.label ?? r.quota}</span>: {r.currentValue ?? "?"} →{" "}
                      <span className="font-semibold">{r.value.toLocaleString("en-US")}</span>
                      <span className="text-slate-500"> (using {r.usage ?? "?"})</span>
                    </p>
                    <blockquote className="border-l-2 border-slate-200 pl-3 text-slate-700">{r.reason}</blockquote>
                    {r.decisionNote && <p className="text-slate-600">Answer: {r.decisionNote}</p>}
                  </div>
                  {r.status === "pending" && <Decide request={r} />}
                </div>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
