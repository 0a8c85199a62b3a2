// GET /api/operator/policies — every model with the rate-limit policy it runs under (operators).
import { json } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { listPolicies } from "@/lib/limits/policy-store";
import { otherMethods } from "@/lib/http/fallbacks";

export const dynamic = "force-dynamic";

export const GET = withOperator(async () => json({ policies: await listPolicies() }));

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
