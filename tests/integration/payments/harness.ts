// Payments test harness: the Stripe emulator in-process on a random port, the app's real
// webhook route served over real HTTP (so the emulator's signed deliveries, retries and all, go
// through exactly the code `npm start` runs), and the app's Stripe client pointed at the emulator.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import { startStripeEmulator, type StripeEmulator } from "@/stripe-emulator/server";
import { resetEnv } from "@/lib/env";
import { closeGateway } from "@/lib/gateway/context";
import { db } from "@/lib/db";
import { postLedgerEntry } from "@/lib/billing/post-ledger-entry";
import { lockAccount } from "@/lib/billing/lock-account";
import { syncSuspension } from "@/lib/billing/suspension";
import { isSamePeriod } from "@/lib/billing/period";
import * as webhookRoute from "@/app/api/stripe/webhook/route";

export interface Delivered {
  status: number;
  body: any;
}

export interface PaymentsHarness {
  emulator: StripeEmulator;
  /** An SDK client on the emulator (the test's "Stripe Dashboard"). */
  stripe: Stripe;
  secret: string;
  webhookUrl: string;
  /** Every answer our webhook route gave, in order. */
  answers: { eventId: string | null; type: string | null; status: number }[];
  /** POST an event to the webhook route over HTTP, signed like Stripe (or not, to test refusals). */
  deliver(payload: string, opts?: { secret?: string; timestamp?: number; signature?: string | null }): Promise<Delivered>;
  /** Wait until the emulator has delivered every event (each succeeded or was given up). */
  settle(timeoutMs?: number): Promise<void>;
  /** While true, the webhook endpoint answers 503 without looking at the event (our side down). */
  webhooksDown: boolean;
}

/** Call in a test file (after setupTestDatabase): one emulator + webhook endpoint for the file. */
export function setupPayments(): PaymentsHarness {
  const h = { answers: [] as PaymentsHarness["answers"], webhooksDown: false } as PaymentsHarness;
  let server: http.Server | undefined;
  beforeAll(async () => {
    // Each processed event logs a line at info; keep test output to what matters.
    process.env.HEADROOM_LOG_LEVEL ??= "warn";
    h.secret = `whsec_test_${randomBytes(16).toString("hex")}`;
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (h.webhooksDown) {
          res.writeHead(503).end();
          return;
        }
        const raw = Buffer.concat(chunks);
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        void webhookRoute.POST(new Request(`http://localhost${req.url}`, { method: "POST", headers, body: raw })).then(async (r) => {
          const text = await r.text();
          let event: { id?: string; type?: string } = {};
          try {
            event = JSON.parse(raw.toString("utf8")) as typeof event;
          } catch {
            /* not JSON */
          }
          h.answers.push({ eventId: event.id ?? null, type: event.type ?? null, status: r.status });
          res.writeHead(r.status, { "content-type": "application/json" });
          res.end(text);
        });
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    h.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stripe/webhook`;
    h.emulator = await startStripeEmulator({
      port: 0,
      webhookUrl: h.webhookUrl,
      webhookSecret: h.secret,
      retrySchedule: [100, 200, 400, 800, 1600],
    });
    process.env.HEADROOM_STRIPE_EMULATOR_PORT = String(h.emulator.port);
    process.env.STRIPE_WEBHOOK_SECRET = h.secret;
    delete process.env.STRIPE_SECRET_KEY;
    resetEnv();
    h.stripe = new Stripe("sk_test_dashboard", { ...h.emulator.stripeConfig, maxNetworkRetries: 0, telemetry: false });
    h.deliver = async (payload, opts = {}) => {
      const signature =
        opts.signature === undefined
          ? h.stripe.webhooks.generateTestHeaderString({
              payload,
              secret: opts.secret ?? h.secret,
              ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
            })
          : opts.signature;
      const res = await fetch(h.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(signature === null ? {} : { "stripe-signature": signature }) },
        body: payload,
      });
      return { status: res.status, body: await res.json() };
    };
    h.settle = (timeoutMs = 15_000) => h.emulator.waitForWebhooks(timeoutMs);
  });
  afterAll(async () => {
    await h.emulator?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await closeGateway();
  });
  return h;
}

/** Submit a hosted emulator page's card form (Checkout or invoice) like a browser; returns the status. */
export async function submitCard(pageUrl: string, cardNumber: string): Promise<{ status: number; location: string | null; html: string }> {
  const res = await fetch(pageUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ cardNumber, cardExpiry: "12 / 34", cardCvc: "123", billingName: "Ada Lovelace" }).toString(),
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}

/** Usage charged as the gateway does (credits first, the rest to the month's invoice), at `at`. */
export async function chargeUsageAt(accountId: string, costMicros: bigint, at: Date, modelName = "hr-small-8b"): Promise<void> {
  await db().$transaction(async (tx) => {
    await lockAccount(tx, accountId);
    const { creditBalanceMicros: balance } = await tx.account.findUniqueOrThrow({
      where: { id: accountId },
      select: { creditBalanceMicros: true },
    });
    const fromCredits = balance <= 0n ? 0n : balance < costMicros ? balance : costMicros;
    await postLedgerEntry(tx, {
      accountId,
      kind: "usage_charge",
      amountMicros: -fromCredits,
      creditMicros: fromCredits,
      invoiceMicros: costMicros - fromCredits,
      // The account's monthly spend counter is this month's: usage of an earlier month is not in it.
      spendMicros: isSamePeriod(at, new Date()) ? costMicros : 0n,
      idempotencyKey: `test-usage:${randomBytes(8).toString("hex")}`,
      description: "test usage",
      modelName,
      at,
    });
    await syncSuspension(tx, accountId);
  });
}

/** The signed-event JSON of an event the emulator emitted (what it POSTs). */
export function eventPayload(h: PaymentsHarness, eventId: string): string {
  const event = h.emulator.state().events[eventId];
  if (!event) throw new Error(`no event ${eventId}`);
  return JSON.stringify(event, null, 2);
}

/** Events the emulator emitted, in emission order, optionally of some types. */
export function emittedEvents(h: PaymentsHarness, types?: readonly string[]): Stripe.Event[] {
  return Object.values(h.emulator.state().events).filter((e) => !types || types.includes(e.type));
}

export const previousMonth = (now = new Date()) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 10, 12));
