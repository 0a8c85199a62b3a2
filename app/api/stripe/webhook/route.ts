// POST /api/stripe/webhook — Stripe events: raw body, verified signature, dispatched once per event id.
import { json } from "@/lib/http/json";
import { errorSummary, log } from "@/lib/log";
import { MAX_WEBHOOK_BYTES, processWebhook } from "@/lib/payments/webhooks/process-webhook";
import { otherMethods } from "@/lib/http/fallbacks";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  if (Number(req.headers.get("content-length") ?? "0") > MAX_WEBHOOK_BYTES) return json({ error: "payload too large" }, 413);
  // The signature covers the exact bytes Stripe sent: read them before anything parses the body.
  const raw = Buffer.from(await req.arrayBuffer());
  if (raw.byteLength > MAX_WEBHOOK_BYTES) return json({ error: "payload too large" }, 413);
  try {
    const { status, body } = await processWebhook(raw, req.headers.get("stripe-signature"));
    return json(body, status);
  } catch (err) {
    // The database is unreachable, say: 5xx, so Stripe delivers it again later.
    log.error("Stripe webhook failed", { error: errorSummary(err) });
    return json({ error: "temporarily unavailable; retry" }, 503);
  }
}

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };
