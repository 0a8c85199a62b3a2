// Admission order (in-limit → over-limit → 429), n counting, settlement, spend enforcement under
// concurrency and priority under saturation — through the real pipeline over HTTP.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { setupGatewayServer } from "../../helpers/gateway-server";
import { gateway } from "@/lib/gateway/context";
import { limitKey } from "@/lib/limits";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { setSpendLimit } from "@/lib/billing/set-spend-limit";
import * as accountRoute from "@/app/api/v1/account/route";
import { callRoute } from "../../helpers/routes";
import { chargeUsage } from "../billing/helpers";

setupTestDatabase();
const server = setupGatewayServer("fast-path");

async function chat(apiKey: string, body: Record<string, unknown>) {
  const started = performance.now();
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "hello there" }], max_tokens: 1, ...body }),
  });
  const json = await res.json();
  return { status: res.status, headers: res.headers, body: json, ms: performance.now() - started };
}

describe("dynamic rate limits at the gateway", () => {
  it("a burst of 3× the limit is served in-limit, then over-limit, then rejected with retry-after — in that order", async () => {
    const model = await createModelFixture({ baseRpm: 10, capRpm: 10 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await chat(acct.apiKey, { model: model.name });
      if (r.status === 429) {
        expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(r.body.error.code).toBe("rate_limit_exceeded");
        outcomes.push("429");
      } else {
        expect(r.status).toBe(200);
        outcomes.push(r.headers.get("x-ratelimit-over-limit") === "yes" ? "over" : "in");
      }
    }
    const firstOver = outcomes.indexOf("over");
    const first429 = outcomes.indexOf("429");
    expect(firstOver).toBeGreaterThanOrEqual(9);
    expect(first429).toBeGreaterThan(firstOver);
    expect(outcomes.slice(0, firstOver).every((o) => o === "in")).toBe(true);
    expect(outcomes.slice(firstOver, first429).every((o) => o === "over")).toBe(true);
    expect(outcomes.slice(first429).every((o) => o === "429")).toBe(true);
    // Rejected requests consumed nothing and were not charged.
    expect(await db().usageRecord.count({ where: { accountId: acct.accountId } })).toBe(first429);
  });

  it("n: 3 counts as three requests", async () => {
    const model = await createModelFixture({ baseRpm: 60, capRpm: 60 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const one = await chat(acct.apiKey, { model: model.name });
    const three = await chat(acct.apiKey, { model: model.name, n: 3 });
    expect(three.status).toBe(200);
    expect(three.body.choices).toHaveLength(3);
    const before = Number(one.headers.get("x-ratelimit-remaining-requests"));
    const after = Number(three.headers.get("x-ratelimit-remaining-requests"));
    expect(before - after).toBeGreaterThanOrEqual(2);
    expect(before - after).toBeLessThanOrEqual(3);
    expect(before).toBe(59);
    expect(after).toBe(56);
  });

  it("max_completion_tokens caps the answer, and wins over max_tokens when both are sent (chat)", async () => {
    const model = await createModelFixture({ baseRpm: 60, capRpm: 60 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const r = await chat(acct.apiKey, { model: model.name, max_tokens: 1, max_completion_tokens: 3 });
    expect(r.status).toBe(200);
    expect(r.body.usage.completion_tokens).toBe(3); // every simulated answer is at least 8 tokens long
    expect(r.body.choices[0].finish_reason).toBe("length");
  });

  it("the max_tokens reservation is settled to the tokens actually generated", async () => {
    const model = await createModelFixture({ baseRpm: 10, capRpm: 10, tokensGeneratedPerReq: 100 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const r = await chat(acct.apiKey, { model: model.name, max_tokens: 400 });
    expect(r.status).toBe(200);
    // At admission 400 were reserved out of 1000.
    expect(Number(r.headers.get("x-ratelimit-remaining-tokens-generated"))).toBeLessThanOrEqual(600);
    const generated = r.body.usage.completion_tokens as number;
    expect(generated).toBeLessThan(400);
    const view = await gateway().limiter.peek(
      limitKey(acct.accountId, model.id),
      { ...(await gateway().catalog.get(model.name))!.policy },
      Date.now(),
    );
    // After settlement only the generated tokens are used (plus a little refill since).
    expect(view.remaining.tokensGenerated).toBeGreaterThanOrEqual(1000 - generated);
    expect(view.remaining.tokensGenerated).toBeLessThanOrEqual(1000 - generated + 5);
  });
});

describe("spend enforcement without overshoot", () => {
  it("200 concurrent requests against a limit that allows 20: exactly 20 served and charged, spend = limit, then 402", async () => {
    // Each request costs exactly $1: one completion token at $1 per token, free prompt.
    const model = await createModelFixture({
      baseRpm: 100_000,
      capRpm: 100_000,
      inputPricePerMTok: 0n,
      outputPricePerMTok: 1_000_000n * 1_000_000n,
    });
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(20) });
    const results = await Promise.all(Array.from({ length: 200 }, () => chat(acct.apiKey, { model: model.name, max_tokens: 1 })));
    const served = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 402);
    expect(served).toHaveLength(20);
    expect(refused).toHaveLength(180);
    expect(refused[0]!.body.error).toMatchObject({ type: "account_suspended", code: "spend_limit_reached" });
    expect(refused[0]!.headers.get("x-ratelimit-limit-requests")).not.toBeNull();
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.monthlySpendMicros).toBe(usd(20));
    expect(await db().usageRecord.count({ where: { accountId: acct.accountId } })).toBe(20);
    const ledger = await db().ledgerEntry.aggregate({
      where: { accountId: acct.accountId, kind: "usage_charge" },
      _sum: { creditMicros: true, invoiceMicros: true },
      _count: true,
    });
    expect(ledger._count).toBe(20);
    expect((ledger._sum.creditMicros ?? 0n) + (ledger._sum.invoiceMicros ?? 0n)).toBe(usd(20));
    expect(account.status).toBe("suspended");
    gateway().accounts.forget(acct.accountId);
    const after = await chat(acct.apiKey, { model: model.name });
    expect(after.status).toBe(402);
    expect(after.body.error.code).toBe("spend_limit_reached");
  });

  it("a Tier 0 account cannot spend more credits than it has", async () => {
    const model = await createModelFixture({
      baseRpm: 100_000,
      capRpm: 100_000,
      inputPricePerMTok: 0n,
      outputPricePerMTok: 1_000_000n * 1_000_000n,
    });
    const acct = await createAccountFixture({ tier: "tier0", creditsMicros: usd(5) });
    const results = await Promise.all(Array.from({ length: 40 }, () => chat(acct.apiKey, { model: model.name, max_tokens: 1 })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.creditBalanceMicros).toBe(0n);
    expect(account.status).toBe("suspended");
  });
});

describe("budget alerts from the meter", () => {
  it("a charge that crosses 50 % and then 100 % of the limit stores each alert within a second, without the minute job", async () => {
    const model = await createModelFixture({
      baseRpm: 100_000,
      capRpm: 100_000,
      inputPricePerMTok: 0n,
      outputPricePerMTok: 1_000_000n * 1_000_000n, // $1 per request (one token)
    });
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(4) });
    const titles = async () =>
      (await db().notification.findMany({ where: { accountId: acct.accountId, kind: "budget_alert" }, orderBy: { createdAt: "asc" } })).map(
        (n) => n.title,
      );
    expect((await chat(acct.apiKey, { model: model.name })).status).toBe(200); // $1: 25 %
    expect((await chat(acct.apiKey, { model: model.name })).status).toBe(200); // $2: 50 %
    await expect.poll(titles, { timeout: 1_000, interval: 25 }).toEqual(["50% of your monthly spend limit used"]);
    expect((await chat(acct.apiKey, { model: model.name })).status).toBe(200); // $3: 75 %
    expect((await chat(acct.apiKey, { model: model.name })).status).toBe(200); // $4: 100 %
    await expect
      .poll(titles, { timeout: 1_000, interval: 25 })
      .toEqual(["50% of your monthly spend limit used", "80% of your monthly spend limit used", "Monthly spend limit reached ($4.00)"]);
  });
});

describe("accounts without a card", () => {
  it("a Tier 2 account without a card cannot spend beyond its credits (nothing could be invoiced)", async () => {
    const model = await createModelFixture({
      baseRpm: 100_000,
      capRpm: 100_000,
      inputPricePerMTok: 0n,
      outputPricePerMTok: 1_000_000n * 1_000_000n,
    });
    const acct = await createAccountFixture({ tier: "tier2", paymentMethod: false, creditsMicros: usd(3), historicalMicros: usd(100) });
    const results = await Promise.all(Array.from({ length: 12 }, () => chat(acct.apiKey, { model: model.name, max_tokens: 1 })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.creditBalanceMicros).toBe(0n);
    expect(account.monthlySpendMicros).toBe(usd(3));
  });
});

describe("priority under saturation", () => {
  it("queued in-limit requests are served before over-limit ones", async () => {
    const model = await createModelFixture({ baseRpm: 20, capRpm: 20, concurrency: 2, tokensPerSecond: 400, firstTokenMs: 10 });
    const good = await createAccountFixture({ tier: "tier1", creditsMicros: usd(10) });
    const greedy = await createAccountFixture({ tier: "tier1", creditsMicros: usd(10) });
    // Both accounts have been seen before (key, state and spend lease cached), so what is compared
    // below is the queue's order, not one account's first-request set-up.
    expect((await chat(good.apiKey, { model: model.name, max_tokens: 1 })).status).toBe(200);
    // The greedy account uses its whole minute at once (n = 20): what it sends next is over its limit.
    const burst = await chat(greedy.apiKey, { model: model.name, n: 20, max_tokens: 1 });
    expect(burst.headers.get("x-ratelimit-over-limit")).toBe("no");
    const requests = [];
    for (let i = 0; i < 8; i++) {
      requests.push(chat(greedy.apiKey, { model: model.name, max_tokens: 4 }).then((r) => ({ ...r, who: "over" })));
      requests.push(chat(good.apiKey, { model: model.name, max_tokens: 4 }).then((r) => ({ ...r, who: "in" })));
    }
    const results = await Promise.all(requests);
    for (const r of results) expect(r.status).toBe(200);
    expect(results.filter((r) => r.who === "over").every((r) => r.headers.get("x-ratelimit-over-limit") === "yes")).toBe(true);
    const p50 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const inP50 = p50(results.filter((r) => r.who === "in").map((r) => r.ms));
    const overP50 = p50(results.filter((r) => r.who === "over").map((r) => r.ms));
    expect(inP50).toBeLessThan(overP50);
  });

  it("over capacity, over-limit requests are shed first with 503 overloaded, and are not charged", async () => {
    // One slot, eight queued at most (SPEC §6), 10 tokens a second: the first answer holds the slot
    // for 0.8 s (8 tokens) while the queue fills; the others take 0.2 s (2 tokens).
    const model = await createModelFixture({ baseRpm: 20, capRpm: 20, concurrency: 1, tokensPerSecond: 10, firstTokenMs: 0 });
    const good = await createAccountFixture({ tier: "tier1", creditsMicros: usd(10) });
    const greedy = await createAccountFixture({ tier: "tier1", creditsMicros: usd(10) });
    expect((await chat(good.apiKey, { model: model.name })).status).toBe(200);
    expect((await chat(greedy.apiKey, { model: model.name, n: 20 })).status).toBe(200); // its minute, used at once
    const gap = () => new Promise((r) => setTimeout(r, 20)); // arrive in this order
    const slow = { model: model.name, max_tokens: 2 };
    const first = chat(good.apiKey, { model: model.name, max_tokens: 8 }); // takes the slot
    await gap();
    const queued: ReturnType<typeof chat>[] = [];
    for (let i = 0; i < 8; i++) {
      queued.push(chat(greedy.apiKey, slow)); // over-limit: the queue is full after these
      await gap();
    }
    const late = chat(good.apiKey, slow); // in-limit: the newest over-limit request makes room
    await gap();
    const refused = await chat(greedy.apiKey, slow); // over-limit, queue full: refused at once
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ type: "overloaded" });
    expect(refused.body.error.message).toContain("over-limit requests are shed first");

    expect([(await first).status, (await late).status]).toEqual([200, 200]);
    const over = await Promise.all(queued);
    expect(over.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 503]);
    expect(over.slice(0, 7).every((r) => r.headers.get("x-ratelimit-over-limit") === "yes")).toBe(true);
    // Shed requests cost nothing: the burst and the seven served.
    expect(await db().usageRecord.count({ where: { accountId: greedy.accountId } })).toBe(8);
  });

  it("counts a stream's tokens toward the model's load as they are generated, and each token once", async () => {
    // 20 tokens at 10 a second: two seconds of work the capacity gate must see while it runs.
    const model = await createModelFixture({ baseRpm: 60, capRpm: 60, tokensPerSecond: 10, firstTokenMs: 0 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const capacity = 1_000_000;
    const load = () => gateway().load.utilisation(model.id, capacity) * capacity;
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${acct.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "hello there" }], max_tokens: 20, stream: true }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes('"content":"') || text.split('"content":"').length < 4) text += decoder.decode((await reader.read()).value);
    const midway = load();
    while (!(await reader.read()).done);
    const usage = await db().usageRecord.findFirstOrThrow({ where: { accountId: acct.accountId } });
    expect(usage.completionTokens).toBe(20);
    // Midway: the prompt and the tokens sent so far, not nothing (as when a stream counted at its end).
    expect(midway).toBeGreaterThan(usage.promptTokens);
    expect(midway).toBeLessThan(usage.promptTokens + usage.completionTokens);
    expect(load()).toBe(usage.promptTokens + usage.completionTokens);
  });
});

describe("a new month", () => {
  it("lifts spend_limit_reached at once: served, and the account API says active, before the month-close job runs", async () => {
    const model = await createModelFixture();
    const acct = await createAccountFixture({ tier: "tier1" });
    expect(await setSpendLimit(acct.accountId, usd(5), acct.ownerId)).toMatchObject({ ok: true });
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 20, 12));
    await db().account.update({ where: { id: acct.accountId }, data: { spendPeriod: lastMonth } }); // an account of last month
    await chargeUsage(acct.accountId, usd(5), lastMonth); // reached last month, and re-derived then
    const reasons = await db().suspensionReason.findMany({ where: { accountId: acct.accountId, liftedAt: null } });
    expect(reasons.map((r) => r.reason)).toEqual(["spend_limit_reached"]);

    expect((await chat(acct.apiKey, { model: model.name })).status).toBe(200);
    const summary = (await callRoute(accountRoute.GET, { apiKey: acct.apiKey })).body;
    expect(summary).toMatchObject({ status: "active", suspensionReasons: [], monthlySpendUsd: expect.any(String) });

    // A limit that the new month's spend has reached too still holds (the guard and the reason agree).
    const zero = await createAccountFixture({ tier: "tier1" });
    await db().account.update({ where: { id: zero.accountId }, data: { spendPeriod: lastMonth } });
    expect(await setSpendLimit(zero.accountId, 0n, zero.ownerId, lastMonth)).toMatchObject({ ok: true });
    expect(await db().suspensionReason.count({ where: { accountId: zero.accountId, liftedAt: null, reason: "spend_limit_reached" } })).toBe(
      1,
    );
    const refused = await chat(zero.apiKey, { model: model.name });
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe("spend_limit_reached");
  });
});
