// /api-keys — create (secret shown once), list with last use, revoke.
import type { Metadata } from "next";
import { listApiKeys } from "@/lib/keys/list-api-keys";
import { PageHeader } from "@/components/ui/page-header";
import { ApiKeysView } from "@/components/api-keys/api-keys-view";
import { consoleCaller } from "../_lib/console-caller";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const caller = await consoleCaller();
  const keys = await listApiKeys(caller.accountId);
  return (
    <div className="space-y-6">
      <PageHeader
        title="API keys"
        description="Keys authenticate calls to the API (/v1) and the headroom CLI. Each key acts for this account."
      />
      <ApiKeysView initial={keys} isOwner={caller.role === "owner"} />
    </div>
  );
}
