// GET /api/v1/usage?since=1h&granularity=minute&model=… — usage and limits over time, per model
// (404 model_not_found for a model that is neither the catalogue's nor one of the account's).
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { json, parseWith } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { getUsage } from "@/lib/usage/get-usage";
import { usageQuerySchema } from "@/lib/usage/schemas";

export const dynamic = "force-dynamic";

export const GET = withAccount(async ({ req, caller }) => {
  const query = parseWith(usageQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  const result = await getUsage(caller.accountId, query);
  if (!result.ok) throw new AppError("model_not_found", result.message, { param: "model" });
  return json(result.usage);
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
