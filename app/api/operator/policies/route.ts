// GET /api/operator/policies — every model with the rate-limit policy it runs under (operators).
import { json } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { listPolicies } from "@/lib/limits/policy-store";

export const dynamic = "force-dynamic";

export const GET = withOperator(async () => json({ policies: await listPolicies() }));
