// GET /api/metrics — Prometheus exposition (requests, admissions, limiter latency, queues, meter).
// Public by default (a scrape target); with HEADROOM_METRICS_TOKEN set it needs that bearer token.
import { env } from "@/lib/env";
import { gateway } from "@/lib/gateway/context";
import { bearerToken } from "@/lib/http/caller";
import { AppError } from "@/lib/http/errors";
import { errorResponse } from "@/lib/http/json";
import { newRequestId } from "@/lib/http/request-id";
import { hashSecret, hashesEqual } from "@/lib/keys/secret";
import { metrics } from "@/lib/metrics";
import { otherMethods } from "@/lib/http/fallbacks";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const token = env().HEADROOM_METRICS_TOKEN;
  if (token) {
    const given = bearerToken(req.headers.get("authorization"));
    if (!given || !hashesEqual(hashSecret(given), hashSecret(token)))
      return errorResponse(
        new AppError("invalid_api_key", "Metrics need `Authorization: Bearer <HEADROOM_METRICS_TOKEN>`."),
        newRequestId(),
      );
  }
  const m = metrics();
  const ctx = gateway();
  const depth = ctx.scheduler.depth();
  m.queueDepth.set({ priority: "in_limit" }, depth.high);
  m.queueDepth.set({ priority: "over_limit" }, depth.low);
  m.meterQueue.set(ctx.meter.depth);
  return new Response(await m.registry.metrics(), { headers: { "content-type": m.registry.contentType } });
}

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
