// The one Stripe client (SPEC §11): the real `stripe` SDK, talking to Stripe when
// STRIPE_SECRET_KEY is set and to the local emulator (stripe-emulator/) otherwise — the same code
// path either way, only the SDK's host/port/protocol differ.
import Stripe from "stripe";
import { inAmbientTransaction } from "../db";
import { env } from "../env";

export type StripeMode = "stripe" | "emulator";

/** The key the emulator accepts (any `sk_test_…` works; this one names itself in logs). */
export const EMULATOR_SECRET_KEY = "sk_test_emulator";
export const EMULATOR_HOST = "127.0.0.1";

interface Target {
  mode: StripeMode;
  key: string;
  host?: string;
  port?: number;
  protocol?: "http" | "https";
}

// Both copies of this module in one process (the tsx server and Next's bundle) share the client.
const KEY = Symbol.for("headroom.stripe");
type Slot = { client?: Stripe; signature?: string; override?: Stripe };
const slot: Slot = ((globalThis as Record<symbol, Slot>)[KEY] ??= {});

export function stripeMode(): StripeMode {
  return env().STRIPE_SECRET_KEY ? "stripe" : "emulator";
}

function target(): Target {
  const config = env();
  if (config.STRIPE_SECRET_KEY) return { mode: "stripe", key: config.STRIPE_SECRET_KEY };
  return { mode: "emulator", key: EMULATOR_SECRET_KEY, host: EMULATOR_HOST, port: config.HEADROOM_STRIPE_EMULATOR_PORT, protocol: "http" };
}

/** Where API calls go, for logs and health ("api.stripe.com" or the emulator's URL). */
export function stripeTarget(): string {
  const t = target();
  return t.mode === "stripe" ? "api.stripe.com" : `http://${t.host}:${t.port}`;
}

/**
 * The process's Stripe client — never inside `inTransaction`. Rebuilt when the configuration changes (tests start the emulator
 * on a random port and point HEADROOM_STRIPE_EMULATOR_PORT at it).
 */
export function stripe(): Stripe {
  // A Stripe call inside a shared transaction would hold its locks (and PGlite's only connection)
  // for a network round trip — and the webhooks it triggers could not get at the database.
  if (inAmbientTransaction())
    throw new Error("Stripe called inside a database transaction: call it before or after (see lib/db inTransaction)");
  if (slot.override) return slot.override;
  const t = target();
  const signature = `${t.mode}|${t.key}|${t.host ?? ""}|${t.port ?? ""}`;
  if (slot.client && slot.signature === signature) return slot.client;
  slot.client = new Stripe(t.key, {
    ...(t.mode === "emulator" ? { host: t.host, port: t.port, protocol: t.protocol } : {}),
    // Network blips are retried by the SDK with the same Idempotency-Key, so a retry never doubles a charge.
    maxNetworkRetries: 2,
    timeout: 15_000,
    telemetry: false,
    appInfo: { name: "Headroom" },
  });
  slot.signature = signature;
  return slot.client;
}

/** Tests: use this client (e.g. one pointed at a fault-injecting proxy); undefined restores the default. */
export function setStripeClient(client: Stripe | undefined): void {
  slot.override = client;
}

/**
 * The webhook signing secret: STRIPE_WEBHOOK_SECRET (from `stripe listen` or the Dashboard), or in
 * the embedded default the one generated into the data folder (run-headroom exports it as
 * STRIPE_WEBHOOK_SECRET before anything reads the environment). Null = webhooks cannot be verified.
 */
export function webhookSecret(): string | null {
  return env().STRIPE_WEBHOOK_SECRET ?? null;
}
