// Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">`
// keyed with the endpoint's signing secret (`whsec_…`, used as-is, prefix included).
import { createHmac } from "node:crypto";
import { randomBase62 } from "../core/ids";

export function computeSignature(payload: string, secret: string, timestamp: number): string {
  return createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
}

export function signatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${computeSignature(payload, secret, timestamp)}`;
}

export function generateWebhookSecret(): string {
  return `whsec_${randomBase62(32)}`;
}
