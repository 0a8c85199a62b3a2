// Sign-up, API-key authentication, roles and the §7 error shape, through the real route handlers.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../helpers/test-db";
import { addMemberFixture, createAccountFixture } from "../helpers/fixtures";
import { callRoute } from "../helpers/routes";
import { db } from "@/lib/db";
import { signUp } from "@/lib/auth/sign-up";
import { verifyCredentials } from "@/lib/auth/verify-credentials";
import { MAX_FAILURES_PER_EMAIL } from "@/lib/auth/login-throttle";
import { CLIENT_IP_HEADER } from "@/lib/http/client-ip";
import { env } from "@/lib/env";
import { authenticateApiKey } from "@/lib/keys/authenticate-api-key";
import * as accountRoute from "@/app/api/v1/account/route";
import * as quotasRoute from "@/app/api/v1/quotas/route";
import * as quotaRoute from "@/app/api/v1/quotas/[name]/route";
import * as keysRoute from "@/app/api/v1/api-keys/route";
import * as keyRoute from "@/app/api/v1/api-keys/[id]/route";
import * as signupRoute from "@/app/api/auth/signup/route";

setupTestDatabase();

describe("sign-up", () => {
  it("creates an owner and a Tier 0 account with $1 of promotional credit that is not historical spend", async () => {
    const res = await callRoute(signupRoute.POST, {
      method: "POST",
      body: { email: "New@Example.com ", password: "long-enough", accountName: "Acme" },
    });
    expect(res.status).toBe(201);
    const account = await db().account.findUniqueOrThrow({ where: { id: res.body.accountId } });
    expect(account).toMatchObject({ tier: "tier0", creditBalanceMicros: 1_000_000n, historicalMicros: 0n, status: "active" });
    const ledger = await db().ledgerEntry.findMany({ where: { accountId: account.id } });
    expect(ledger.map((e) => [e.kind, e.amountMicros])).toEqual([["promotional_credit", 1_000_000n]]);
    const user = await db().user.findUniqueOrThrow({ where: { email: "new@example.com" }, include: { memberships: true } });
    expect(user.memberships[0]?.role).toBe("owner");
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("names the bad field and writes nothing", async () => {
    const before = await db().user.count();
    const res = await callRoute(signupRoute.POST, {
      method: "POST",
      body: { email: "not-an-email", password: "long-enough", accountName: "A" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param: "email" });
    expect(res.body.error.message).toMatch(/^email:/);
    expect(await db().user.count()).toBe(before);
    const dup = await signUp({ email: "new@example.com", password: "long-enough", accountName: "Again" });
    expect(dup).toEqual({ ok: false, reason: "email_taken" });
  });

  it("rejects a non-JSON body with 415 and malformed JSON with 400", async () => {
    expect((await callRoute(signupRoute.POST, { method: "POST", body: "x", headers: { "content-type": "text/plain" } })).status).toBe(415);
    const bad = await callRoute(signupRoute.POST, { method: "POST", body: "{nope" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/not valid JSON/);
  });
});

describe("sign-in throttling", () => {
  it("locks an e-mail after repeated failures, even with the right password", async () => {
    await signUp({ email: "throttle@example.com", password: "right-password", accountName: "T" });
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      expect(await verifyCredentials({ email: "throttle@example.com", password: "wrong" }, "10.0.0.1")).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    expect(await verifyCredentials({ email: "throttle@example.com", password: "right-password" }, "10.0.0.2")).toEqual({
      ok: false,
      reason: "throttled",
    });
  });
});

describe("sign-up throttling by address", () => {
  const from = (ip: string, n: number) =>
    callRoute(signupRoute.POST, {
      method: "POST",
      headers: { [CLIENT_IP_HEADER]: ip },
      body: { email: `cap-${ip}-${n}@example.com`, password: "long-enough", accountName: `Cap ${n}` },
    });

  it("lets one address create HEADROOM_SIGNUPS_PER_IP_PER_HOUR accounts an hour, then answers 429 and creates nothing", async () => {
    const cap = env().HEADROOM_SIGNUPS_PER_IP_PER_HOUR;
    for (let n = 0; n < cap; n++) expect((await from("203.0.113.7", n)).status).toBe(201);
    const accounts = await db().account.count();
    const refused = await from("203.0.113.7", cap);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ type: "rate_limit_error", code: "too_many_attempts" });
    expect(refused.body.error.message).toMatch(/accounts have been created from your address/);
    expect(await db().account.count()).toBe(accounts);
    expect(await db().user.count({ where: { email: `cap-203.0.113.7-${cap}@example.com` } })).toBe(0);
    // Another address is not affected.
    expect((await from("198.51.100.9", 0)).status).toBe(201);
  });

  it("counts sign-ups refused for a taken e-mail as failures of the address, never of the e-mail's owner", async () => {
    await signUp({ email: "taken@example.com", password: "right-password", accountName: "Owner" });
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL + 1; i++) {
      const res = await callRoute(signupRoute.POST, {
        method: "POST",
        headers: { [CLIENT_IP_HEADER]: "192.0.2.44" },
        body: { email: "taken@example.com", password: "long-enough", accountName: "Probe" },
      });
      expect(res.status).toBe(409);
    }
    const failures = await db().loginAttempt.count({ where: { ip: "192.0.2.44", kind: "sign_up", succeeded: false } });
    expect(failures).toBe(MAX_FAILURES_PER_EMAIL + 1);
    // The owner can still sign in: probing sign-ups with an e-mail does not lock it.
    expect(await verifyCredentials({ email: "taken@example.com", password: "right-password" }, "10.9.9.9")).toMatchObject({ ok: true });
  });
});

describe("API keys and roles", () => {
  it("401 in the §7 shape without a key or with a wrong one", async () => {
    const none = await callRoute(accountRoute.GET);
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: "invalid_api_key", type: "invalid_request_error" });
    expect(none.headers.get("x-request-id")).toMatch(/^req_/);
    const wrong = await callRoute(accountRoute.GET, { apiKey: "hr_" + "x".repeat(40) });
    expect(wrong.status).toBe(401);
  });

  it("the owner reads the account with exact decimal strings", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: 10_000_000n });
    const res = await callRoute(accountRoute.GET, { apiKey: acct.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tier: "tier1",
      status: "active",
      spendLimitUsd: "50.00",
      creditBalanceUsd: "10.00",
      monthlySpendUsd: "0.00",
      hasPaymentMethod: true,
    });
    const quotas = await callRoute(quotasRoute.GET, { apiKey: acct.apiKey });
    expect(quotas.body.quotas).toEqual([
      { name: "monthly-spend-usd", value: "50.00", max: "50.00", usage: "0.00" },
      { name: "deployed-models", value: 100, max: null, usage: 0 },
      { name: "a100-gpus", value: 8, max: null, usage: 0 },
      { name: "h100-gpus", value: 8, max: null, usage: 0 },
    ]);
  });

  it("the owner lowers the spend limit; above the cap is 400 naming the bounds; a member gets 403", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const lowered = await callRoute(quotaRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { name: "monthly-spend-usd" },
      body: { value: "20.50" },
    });
    expect(lowered.status).toBe(200);
    expect(lowered.body).toMatchObject({ name: "monthly-spend-usd", value: "20.50", max: "50.00" });
    const above = await callRoute(quotaRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { name: "monthly-spend-usd" },
      body: { value: "50.01" },
    });
    expect(above.status).toBe(400);
    expect(above.body.error.message).toContain("between 0 and 50.00");
    expect(above.body.error.param).toBe("value");
    const cents = await callRoute(quotaRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { name: "monthly-spend-usd" },
      body: { value: "1.001" },
    });
    expect(cents.status).toBe(400);
    const member = await addMemberFixture(acct.accountId);
    const forbidden = await callRoute(quotaRoute.PATCH, {
      method: "PATCH",
      apiKey: member.apiKey,
      params: { name: "monthly-spend-usd" },
      body: { value: "10" },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("forbidden");
    expect((await callRoute(accountRoute.GET, { apiKey: member.apiKey })).status).toBe(200);
    const other = await callRoute(quotaRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { name: "a100-gpus" },
      body: { value: "10" },
    });
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain("quota-requests");
  });

  it("creates a key shown once, lists it without the secret, and a revoke takes effect within a second", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const created = await callRoute(keysRoute.POST, { method: "POST", apiKey: acct.apiKey, body: { name: "ci" } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^hr_[0-9A-Za-z]{40}$/);
    const list = await callRoute(keysRoute.GET, { apiKey: acct.apiKey });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    expect(list.body.apiKeys.map((k: { name: string }) => k.name)).toContain("ci");
    const stored = await db().apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(stored.hash).not.toContain(created.body.secret);

    expect(await authenticateApiKey(created.body.secret)).not.toBeNull();
    const revoked = await callRoute(keyRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: created.body.id } });
    expect(revoked.status).toBe(200);
    // Another instance's cache expires within 1 s: ask as if 1.1 s later.
    expect(await authenticateApiKey(created.body.secret, Date.now() + 1_100)).toBeNull();
    expect((await callRoute(accountRoute.GET, { apiKey: created.body.secret })).status).toBe(401);
  });

  it("an account cannot revoke another account's key", async () => {
    const a = await createAccountFixture();
    const b = await createAccountFixture();
    const res = await callRoute(keyRoute.DELETE, { method: "DELETE", apiKey: a.apiKey, params: { id: b.apiKeyId } });
    expect(res.status).toBe(404);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: b.apiKeyId } })).revokedAt).toBeNull();
  });
});
