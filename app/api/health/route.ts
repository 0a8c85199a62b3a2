// GET /api/health — 200 when the app can serve (database reachable, migrations applied).
import { checkHealth } from "@/lib/health";
import { json } from "@/lib/http/json";
import { otherMethods } from "@/lib/http/fallbacks";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth();
  return json(health, health.ok ? 200 : 503);
}

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
