// GET /api/v1/usage?since=1h&granularity=minute&model=… — usage and limits over time, per model.
import { json, parseWith } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { usageQuerySchema } from "@/lib/usage/schemas";
import { usageSeries } from "@/lib/usage/usage-series";

export const dynamic = "force-dynamic";

export const GET = withAccount(async ({ req, caller }) => {
  const query = parseWith(usageQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  return json(await usageSeries(caller.accountId, query));
});
