// GET /api/v1/rate-limits — per model: current dynamic limits, remaining, over-limit, growth.
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { getRateLimits } from "@/lib/usage/get-rate-limits";
import { otherMethods } from "@/lib/http/fallbacks";

export const dynamic = "force-dynamic";

export const GET = withAccount(async ({ caller }) => json({ rateLimits: await getRateLimits(caller.accountId) }));

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
