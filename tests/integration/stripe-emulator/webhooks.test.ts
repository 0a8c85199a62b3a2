// Webhook delivery as Stripe does it: signed payloads, retries with backoff on failure,
// ordering per endpoint; plus the /_emulator control API and state persistence.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startStripeEmulator } from "@/stripe-emulator/server";
import { computeSignature } from "@/stripe-emulator/webhooks/signature";
import { startHarness, TEST_SECRET, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ retrySchedule: [100, 200, 400] });
});
afterEach(() => {
  h.receiver.respond = () => 200;
});
afterAll(async () => {
  await h.close();
});

describe("webhook signatures", () => {
  it("signs exactly as Stripe: t=<ts>,v1=<hmac-sha256 of 't.payload'>", async () => {
    const customer = await h.stripe.customers.create({ email: "sig@example.com" });
    const event = await h.waitForEvent("customer.created", (e) => e.data.object.id === customer.id);
    const delivery = h.receiver.received.find((r) => r.event?.id === event.id)!;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery.signature) ?? [];
    expect(Number(t)).toBeCloseTo(Date.now() / 1000, -2);
    expect(v1).toBe(computeSignature(delivery.raw, TEST_SECRET, Number(t)));
    const payload = JSON.parse(delivery.raw) as Stripe.Event;
    expect(payload).toMatchObject({
      id: event.id,
      object: "event",
      type: "customer.created",
      livemode: false,
      api_version: h.emulator.apiVersion,
    });
    expect(payload.data.object).toMatchObject({ id: customer.id, object: "customer" });
    expect(payload.request?.id).toMatch(/^req_/);
  });

  it("fails constructEvent for a tampered payload, a tampered signature or the wrong secret", async () => {
    const customer = await h.stripe.customers.create({ email: "tamper@example.com" });
    const event = await h.waitForEvent("customer.created", (e) => e.data.object.id === customer.id);
    const { raw, signature } = h.receiver.received.find((r) => r.event?.id === event.id)!;
    const sdk = new Stripe("sk_test_x");
    expect(sdk.webhooks.constructEvent(raw, signature, TEST_SECRET).id).toBe(event.id);
    expect(() => sdk.webhooks.constructEvent(raw.replace("tamper@", "evil@"), signature, TEST_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    const flipped = signature.replace(/v1=(.)/, (_m, c: string) => `v1=${c === "0" ? "1" : "0"}`);
    expect(() => sdk.webhooks.constructEvent(raw, flipped, TEST_SECRET)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => sdk.webhooks.constructEvent(raw, signature, "whsec_wrong")).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });
});

describe("retries", () => {
  it("retries an endpoint answering 500 twice, then 200: three deliveries of the same event id", async () => {
    const answers = [500, 500, 200];
    const email = "retry@example.com";
    h.receiver.respond = ({ event }) =>
      event?.type === "customer.created" && (event.data.object as Stripe.Customer).email === email ? (answers.shift() ?? 200) : 200;
    const customer = await h.stripe.customers.create({ email });
    await h.waitForEvent("customer.created", (e) => e.data.object.id === customer.id);
    await h.emulator.waitForWebhooks();
    const attempts = h.receiver.received.filter(
      (r) => r.event?.type === "customer.created" && (r.event.data.object as Stripe.Customer).id === customer.id,
    );
    expect(attempts.map((a) => a.answeredWith)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((a) => a.event?.id)).size).toBe(1);
    // Each attempt is signed afresh.
    expect(new Set(attempts.map((a) => a.signature)).size).toBeGreaterThanOrEqual(1);

    const eventId = attempts[0]!.event!.id;
    const [delivery] = h.emulator.deliveries({ eventId });
    expect(delivery).toMatchObject({ status: "succeeded", endpoint: h.receiver.url });
    expect(delivery!.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    // The payload reports the endpoint as still pending until it has acknowledged the event.
    expect(attempts.map((a) => (JSON.parse(a.raw) as Stripe.Event).pending_webhooks)).toEqual([1, 1, 1]);
    expect((await h.stripe.events.retrieve(eventId)).pending_webhooks).toBe(0);
  });

  it("gives up after the schedule, without holding back later events", async () => {
    const email = "always-fails@example.com";
    h.receiver.respond = ({ event }) =>
      event?.type === "customer.created" && (event.data.object as Stripe.Customer).email === email ? 503 : 200;
    const failing = await h.stripe.customers.create({ email });
    const later = await h.stripe.customers.create({ email: "later@example.com" });
    await h.waitForEvent("customer.created", (e) => e.data.object.id === later.id, 1_000);
    const failingEvent = (await h.stripe.events.list({ type: "customer.created", limit: 10 })).data.find(
      (e) => (e.data.object as Stripe.Customer).id === failing.id,
    )!;
    await h.emulator.waitForWebhooks();
    const [delivery] = h.emulator.deliveries({ eventId: failingEvent.id });
    expect(delivery?.status).toBe("failed");
    expect(delivery?.attempts).toHaveLength(4);
    expect((await h.stripe.events.retrieve(failingEvent.id)).pending_webhooks).toBe(1);
  });

  it("retries network errors and delivers first attempts in creation order", async () => {
    const emulator = await startStripeEmulator({
      port: 0,
      webhookUrl: "http://127.0.0.1:9/unreachable",
      webhookSecret: TEST_SECRET,
      retrySchedule: [20],
    });
    try {
      const stripe = new Stripe("sk_test_x", { ...emulator.stripeConfig, maxNetworkRetries: 0 });
      await stripe.customers.create({ email: "a@example.com" });
      await stripe.customers.create({ email: "b@example.com" });
      await emulator.waitForWebhooks(5_000);
      const deliveries = emulator.deliveries();
      expect(deliveries.map((d) => d.status)).toEqual(["failed", "failed"]);
      expect(deliveries[0]!.attempts[0]!.error).toBeTruthy();
      expect(deliveries[0]!.attempts[0]!.at).toBeLessThanOrEqual(deliveries[1]!.attempts[0]!.at);
    } finally {
      await emulator.close();
    }
  });
});

describe("control API", () => {
  it("lists deliveries, resends an event, flushes and reports", async () => {
    const customer = await h.stripe.customers.create({ email: "control@example.com" });
    const event = await h.waitForEvent("customer.created", (e) => e.data.object.id === customer.id);

    const listed = (await (await fetch(`${h.emulator.url}/_emulator/deliveries?event_id=${event.id}`)).json()) as {
      data: Array<{ status: string }>;
    };
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]?.status).toBe("succeeded");

    const resent = await fetch(`${h.emulator.url}/_emulator/events/${event.id}/resend`, { method: "POST" });
    expect(resent.status).toBe(200);
    const flushed = await fetch(`${h.emulator.url}/_emulator/deliveries/flush`, { method: "POST" });
    expect(flushed.status).toBe(200);
    expect(h.events("customer.created").filter((e) => e.id === event.id)).toHaveLength(2);

    const info = (await (await fetch(`${h.emulator.url}/_emulator`)).json()) as { api_version: string; webhook_urls: string[] };
    expect(info).toMatchObject({ api_version: h.emulator.apiVersion, webhook_urls: [h.receiver.url] });

    const advanced = await fetch(`${h.emulator.url}/_emulator/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seconds: 60 }),
    });
    expect(((await advanced.json()) as { clockOffsetSeconds: number }).clockOffsetSeconds).toBeGreaterThanOrEqual(60);

    const unknown = await fetch(`${h.emulator.url}/_emulator/events/evt_nope/resend`, { method: "POST" });
    expect(unknown.status).toBe(404);
  });

  it("resets all state", async () => {
    const emulator = await startStripeEmulator({ port: 0, webhookSecret: TEST_SECRET });
    try {
      const stripe = new Stripe("sk_test_x", { ...emulator.stripeConfig, maxNetworkRetries: 0 });
      const customer = await stripe.customers.create({});
      const reset = await fetch(`${emulator.url}/_emulator/reset`, { method: "POST" });
      expect(reset.status).toBe(200);
      await expect(stripe.customers.retrieve(customer.id)).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      await emulator.close();
    }
  });
});

describe("persistence", () => {
  it("keeps customers and saved cards across a restart with stateFile", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stripe-emulator-"));
    const stateFile = path.join(dir, "state.json");
    try {
      const first = await startStripeEmulator({ port: 0, stateFile, webhookSecret: TEST_SECRET });
      const stripe1 = new Stripe("sk_test_x", { ...first.stripeConfig, maxNetworkRetries: 0 });
      const customer = await stripe1.customers.create({ email: "kept@example.com", payment_method: "pm_card_chargeCustomerFail" });
      const [pm] = (await stripe1.customers.listPaymentMethods(customer.id)).data;
      await first.close();

      const second = await startStripeEmulator({ port: 0, stateFile, webhookSecret: TEST_SECRET });
      try {
        const stripe2 = new Stripe("sk_test_x", { ...second.stripeConfig, maxNetworkRetries: 0 });
        const again = (await stripe2.customers.retrieve(customer.id)) as Stripe.Customer;
        expect(again.email).toBe("kept@example.com");
        expect((await stripe2.customers.listPaymentMethods(customer.id)).data.map((p) => p.id)).toEqual([pm!.id]);
        // The card keeps its test behaviour: charges still fail.
        await expect(
          stripe2.paymentIntents.create({
            amount: 500,
            currency: "usd",
            customer: customer.id,
            payment_method: pm!.id,
            confirm: true,
            off_session: true,
          }),
        ).rejects.toBeInstanceOf(Stripe.errors.StripeCardError);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
