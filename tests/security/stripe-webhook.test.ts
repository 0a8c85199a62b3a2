// The Stripe webhook refuses what it cannot trust: events signed longer ago than the tolerance
// (Stripe's 300 s: a captured delivery cannot be replayed later), a wrong secret, a missing or
// mangled signature — 400, with nothing recorded and no money moved.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import { setupTestDatabase } from "../helpers/test-db";
import { createAccountFixture, type AccountFixture } from "../helpers/fixtures";
import { callRoute } from "../helpers/routes";
import * as webhook from "@/app/api/stripe/webhook/route";

const SECRET = "whsec_security_suite_0123456789";
const TOLERANCE_S = 300;
const saved = { key: process.env.STRIPE_SECRET_KEY, secret: process.env.STRIPE_WEBHOOK_SECRET };
setupTestDatabase();

let acct: AccountFixture;
beforeAll(async () => {
  delete process.env.STRIPE_SECRET_KEY;
  process.env.STRIPE_WEBHOOK_SECRET = SECRET;
  resetEnv();
  acct = await createAccountFixture({ tier: "tier1" });
});
afterAll(() => {
  if (saved.key === undefined) delete process.env.STRIPE_SECRET_KEY;
  else process.env.STRIPE_SECRET_KEY = saved.key;
  if (saved.secret === undefined) delete process.env.STRIPE_WEBHOOK_SECRET;
  else process.env.STRIPE_WEBHOOK_SECRET = saved.secret;
  resetEnv();
});

const signer = new Stripe("sk_test_unused");
let seq = 0;

function event(type = "payment_method.attached") {
  const id = `evt_sec_${Date.now()}_${++seq}`;
  return JSON.stringify({
    id,
    object: "event",
    type,
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `pm_sec_${seq}`,
        object: "payment_method",
        customer: `cus_unknown_${seq}`,
        card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2031 },
        metadata: { accountId: acct.accountId },
      },
    },
  });
}

async function deliver(payload: string, signature: string | null) {
  return callRoute(webhook.POST as never, {
    method: "POST",
    body: payload,
    headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) },
  });
}

const sign = (payload: string, timestamp: number, secret = SECRET) =>
  signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
const state = async () => [await db().stripeEvent.count(), await db().ledgerEntry.count(), await db().paymentMethod.count()];

describe("Stripe webhook: signature and age", () => {
  it("refuses an event signed longer ago than the tolerance, and records nothing", async () => {
    const before = await state();
    const now = Math.floor(Date.now() / 1000);
    for (const age of [TOLERANCE_S + 5, 3600, 86_400 * 30]) {
      const payload = event();
      const res = await deliver(payload, sign(payload, now - age));
      expect(res.status, `${age} s old`).toBe(400);
    }
    expect(await state()).toEqual(before);
  });

  it("refuses a wrong secret, a missing or mangled signature, and a replayed signature on another body", async () => {
    const before = await state();
    const now = Math.floor(Date.now() / 1000);
    const payload = event();
    expect((await deliver(payload, sign(payload, now, "whsec_wrong"))).status).toBe(400);
    expect((await deliver(payload, null)).status).toBe(400);
    expect((await deliver(payload, "t=1,v1=deadbeef")).status).toBe(400);
    expect((await deliver(payload, "garbage")).status).toBe(400);
    const other = event();
    expect((await deliver(other, sign(payload, now))).status).toBe(400);
    expect(await state()).toEqual(before);
  });

  it("accepts the same event signed within the tolerance (the refusals above are about trust, not shape)", async () => {
    const payload = event("customer.created"); // a type Headroom ignores: 200 without side effects
    const res = await deliver(payload, sign(payload, Math.floor(Date.now() / 1000) - (TOLERANCE_S - 30)));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("refuses an oversized delivery before verifying it", async () => {
    const res = await deliver("x".repeat(1024 * 1024 + 1), "t=1,v1=x");
    expect(res.status).toBe(413);
  });
});
