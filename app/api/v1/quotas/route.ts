// GET /api/v1/quotas — every quota with value, max and usage (SPEC §8, §13).
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { listQuotas } from "@/lib/quotas/list-quotas";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => json({ quotas: await listQuotas(caller.accountId) }));

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
