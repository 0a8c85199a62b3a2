// GET /api/metrics — Prometheus exposition (requests, admissions, limiter latency, queues, meter).
import { gateway } from "@/lib/gateway/context";
import { metrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

export async function GET() {
  const m = metrics();
  const ctx = gateway();
  const depth = ctx.scheduler.depth();
  m.queueDepth.set({ priority: "in_limit" }, depth.high);
  m.queueDepth.set({ priority: "over_limit" }, depth.low);
  m.meterQueue.set(ctx.meter.depth);
  return new Response(await m.registry.metrics(), { headers: { "content-type": m.registry.contentType } });
}
