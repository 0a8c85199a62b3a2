// Payments at start-up (SPEC §11, §12, §14): with STRIPE_SECRET_KEY the app talks to Stripe and
// receives its webhooks (`stripe listen` or a Dashboard endpoint); without, the local Stripe
// emulator runs in this process on HEADROOM_STRIPE_EMULATOR_PORT, keeps its state in the data
// folder, and signs its webhooks to this app with the data folder's secret. Either way: the
// `stripe` health check and the invoice outbox loop.
import path from "node:path";
import { startStripeEmulator, type StripeEmulator } from "../../stripe-emulator/server";
import { env } from "../env";
import { registerHealthCheck } from "../health";
import { log } from "../log";
import { startInvoiceSync, type InvoiceSync } from "./invoices/sync";
import { stripe, stripeMode, stripeTarget } from "./stripe-client";

export interface PaymentsRuntime {
  mode: "stripe" | "emulator";
  emulator: StripeEmulator | null;
  /** Human-readable line for the start banner. */
  describe: string;
  invoiceSync: InvoiceSync;
  close(): Promise<void>;
}

export async function startPayments(opts: { dataDir: string; appPort: number; webhookSecret: string }): Promise<PaymentsRuntime> {
  const config = env();
  const mode = stripeMode();
  let emulator: StripeEmulator | null = null;
  if (mode === "emulator") {
    const publicUrl = config.HEADROOM_STRIPE_EMULATOR_PUBLIC_URL;
    try {
      emulator = await startStripeEmulator({
        port: config.HEADROOM_STRIPE_EMULATOR_PORT,
        // Reachable from other machines only when a public URL says how browsers get there.
        host: publicUrl ? "0.0.0.0" : "127.0.0.1",
        ...(publicUrl ? { publicUrl } : {}),
        webhookUrl: `http://127.0.0.1:${opts.appPort}/api/stripe/webhook`,
        webhookSecret: opts.webhookSecret,
        stateFile: path.join(opts.dataDir, "stripe-emulator.json"),
        log: (line) => log.debug("stripe-emulator", { line }),
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(
        `The Stripe emulator could not start on port ${config.HEADROOM_STRIPE_EMULATOR_PORT} (${reason}). Set HEADROOM_STRIPE_EMULATOR_PORT to a free port.`,
      );
    }
  } else if (!config.STRIPE_WEBHOOK_SECRET) {
    throw new Error(
      "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: Stripe's webhooks could not be verified. " +
        "Run `stripe listen --forward-to localhost:<PORT>/api/stripe/webhook` and set the whsec_… it prints.",
    );
  }
  registerHealthCheck("stripe", stripeHealthCheck());
  const invoiceSync = startInvoiceSync();
  return {
    mode,
    emulator,
    describe: emulator
      ? `local Stripe emulator at ${emulator.url} (state in ${opts.dataDir})`
      : `Stripe (${config.STRIPE_SECRET_KEY?.slice(0, 8)}…)`,
    invoiceSync,
    async close() {
      await invoiceSync.stop();
      await emulator?.close();
    },
  };
}

/** Stripe answers an authenticated call. Against real Stripe the answer is cached for 30 s (health is polled often). */
export function stripeHealthCheck(): () => Promise<string> {
  let cached: { at: number; detail: string } | null = null;
  return async () => {
    const ttl = stripeMode() === "stripe" ? 30_000 : 0;
    if (cached && Date.now() - cached.at < ttl) return cached.detail;
    await stripe().customers.list({ limit: 1 });
    cached = { at: Date.now(), detail: `${stripeMode()} at ${stripeTarget()}` };
    return cached.detail;
  };
}
