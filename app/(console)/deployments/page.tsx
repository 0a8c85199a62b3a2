// /deployments — deployments & fine-tuning: custom models and LoRAs, on-demand GPU deployments and
// fine-tuning jobs, each beside the quota it counts toward. Server-rendered first paint; live after.
import type { Metadata } from "next";
import { listCustomModels } from "@/lib/resources/custom-models/list-custom-models";
import { listDeployments } from "@/lib/resources/deployments/list-deployments";
import { listFineTuningJobs } from "@/lib/resources/fine-tuning/list-fine-tuning-jobs";
import { listCatalogueModels } from "@/lib/resources/list-catalogue-models";
import { listQuotas } from "@/lib/quotas/list-quotas";
import { PageHeader } from "@/components/ui/page-header";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { CustomModelsSection } from "@/components/deployments/custom-models-section";
import { DeploymentsSection } from "@/components/deployments/deployments-section";
import { FineTuningSection } from "@/components/deployments/fine-tuning-section";
import { canManage, consoleCaller } from "../_lib/console-caller";

export const metadata: Metadata = { title: "Deployments & fine-tuning" };

export default async function DeploymentsPage() {
  const caller = await consoleCaller();
  const [models, deployments, jobs, quotas, catalogue] = await Promise.all([
    listCustomModels(caller.accountId),
    listDeployments(caller.accountId),
    listFineTuningJobs(caller.accountId),
    listQuotas(caller.accountId),
    listCatalogueModels(),
  ]);
  const manage = canManage(caller);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Deployments & fine-tuning"
        description="Custom models and LoRAs, dedicated GPU deployments charged per GPU-minute, and fine-tuning jobs charged per training token. Creating or scaling past a quota fails with 422 quota_exceeded."
      />
      <nav aria-label="On this page" className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <a href="#models" className={`font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}>
          Custom models
        </a>
        <a href="#deployments" className={`font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}>
          Deployments
        </a>
        <a href="#fine-tuning" className={`font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}>
          Fine-tuning jobs
        </a>
      </nav>
      <CustomModelsSection initialModels={models} initialQuotas={quotas} catalogue={catalogue} canManage={manage} />
      <DeploymentsSection
        initialDeployments={deployments}
        initialQuotas={quotas}
        initialModels={models}
        catalogue={catalogue}
        canManage={manage}
      />
      <FineTuningSection initialJobs={jobs} catalogue={catalogue} canManage={manage} />
    </div>
  );
}
