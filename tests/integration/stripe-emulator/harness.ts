// Test harness: the emulator in-process on a random port, the real `stripe` SDK pointed at it,
// and a local webhook receiver that verifies every delivery with stripe.webhooks.constructEvent.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from "@/stripe-emulator/server";

export interface ReceivedWebhook {
  raw: string;
  signature: string;
  /** Set when the signature verified. */
  event: Stripe.Event | null;
  error: string | null;
  answeredWith: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides the HTTP status for each delivery (default 200). */
  respond: (delivery: { event: Stripe.Event | null; raw: string }) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(stripe: Stripe, secret: () => string): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    respond: () => 200,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["stripe-signature"] ?? "");
      let event: Stripe.Event | null = null;
      let error: string | null = null;
      try {
        event = stripe.webhooks.constructEvent(raw, signature, secret());
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      const status = event ? receiver.respond({ event, raw }) : 400;
      receiver.received.push({ raw, signature, event, error, answeredWith: status });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ received: status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

export interface Harness {
  emulator: StripeEmulator;
  stripe: Stripe;
  receiver: WebhookReceiver;
  /** Verified events received so far, optionally of one type. */
  events(type?: string): Stripe.Event[];
  waitForEvent<T extends Stripe.Event["type"]>(
    type: T,
    match?: (event: Extract<Stripe.Event, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<Stripe.Event, { type: T }>>;
  close(): Promise<void>;
}

export const TEST_SECRET = "whsec_emulator_test_secret";

export async function startHarness(options: Partial<StripeEmulatorOptions> = {}): Promise<Harness> {
  const stripe = new Stripe("sk_test_emulator", { maxNetworkRetries: 0, telemetry: false });
  const receiver = await startWebhookReceiver(stripe, () => options.webhookSecret ?? TEST_SECRET);
  const emulator = await startStripeEmulator({
    port: 0,
    webhookUrl: receiver.url,
    webhookSecret: TEST_SECRET,
    retrySchedule: [50, 100, 200],
    ...options,
  });
  const client = new Stripe("sk_test_emulator", { ...emulator.stripeConfig, maxNetworkRetries: 0, telemetry: false });
  const events = (type?: string) =>
    receiver.received.flatMap((r) => (r.event && (type === undefined || r.event.type === type) ? [r.event] : []));
  return {
    emulator,
    stripe: client,
    receiver,
    events,
    async waitForEvent(type, match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events(type).find((e) => !match || match(e as never));
        if (found) return found as never;
        if (Date.now() > deadline) {
          throw new Error(
            `no verified ${type} webhook within ${timeoutMs} ms; got: ${
              events()
                .map((e) => e.type)
                .join(", ") || "nothing"
            }`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await emulator.close();
      await receiver.close();
    },
  };
}

export interface FormResponse {
  status: number;
  location: string | null;
  html: string;
}

/** Submits a hosted page's form the way a browser does (urlencoded POST, redirects not followed). */
export async function submitForm(url: string, fields: Record<string, string>): Promise<FormResponse> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}

export function card(number: string): Record<string, string> {
  return { cardNumber: number, cardExpiry: "12 / 34", cardCvc: "123", billingName: "Ada Lovelace" };
}
