// GET /api/v1/quotas — every quota with value, max and usage (SPEC §8, §13).
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { listQuotas } from "@/lib/quotas/list-quotas";

export const GET = withAccount(async ({ caller }) => json({ quotas: await listQuotas(caller.accountId) }));
