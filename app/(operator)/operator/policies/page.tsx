// /operator/policies — per-model rate-limit policies, with the simulator's growth curve as you edit.
import type { Metadata } from "next";
import { listPolicies } from "@/lib/limits/policy-store";
import { PageHeader } from "@/components/ui/page-header";
import { PolicyEditor } from "@/components/operator/policy-editor";
import { operatorUser } from "../../_lib/operator-user";

export const metadata: Metadata = { title: "Rate-limit policies · Operator" };

export default async function OperatorPoliciesPage() {
  await operatorUser();
  const policies = await listPolicies();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Rate-limit policies"
        description="Per model: base, growth, cap and thresholds of the dynamic limits (SPEC §6). Changes apply to every account at once and are audited."
      />
      <PolicyEditor initial={policies} />
    </div>
  );
}
