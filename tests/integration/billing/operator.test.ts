// Operator routes (SPEC §13 /api/operator): find and view accounts, set tiers, manual suspension,
// run jobs on demand. Only operators may call them.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, type AccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import { usd } from "@/lib/money";
import { grantCredits } from "@/lib/billing/grant-credits";
import * as accountsRoute from "@/app/api/operator/accounts/route";
import * as accountRoute from "@/app/api/operator/accounts/[id]/route";
import * as tierRoute from "@/app/api/operator/accounts/[id]/tier/route";
import * as suspendRoute from "@/app/api/operator/accounts/[id]/suspend/route";
import * as unsuspendRoute from "@/app/api/operator/accounts/[id]/unsuspend/route";
import * as jobsRoute from "@/app/api/operator/jobs/[job]/route";
import * as ownerAccountRoute from "@/app/api/v1/account/route";
import { accountState, at2030, chargeUsage } from "./helpers";

setupTestDatabase();

let operator: AccountFixture;
beforeAll(async () => {
  operator = await createAccountFixture({ name: "Platform staff" });
  await db().user.update({ where: { id: operator.ownerId }, data: { isOperator: true } });
});

const post = (route: typeof tierRoute.POST, id: string, body: unknown, apiKey = operator.apiKey) =>
  callRoute(route, { method: "POST", apiKey, params: { id }, body });

describe("operator accounts", () => {
  it("finds accounts by name, e-mail and id, and shows one in detail", async () => {
    const acct = await createAccountFixture({ name: "Zebra Labs" });
    const byName = await callRoute(accountsRoute.GET, { apiKey: operator.apiKey, path: "/api/operator/accounts?q=zebra" });
    expect(byName.body.accounts.map((a: { id: string }) => a.id)).toEqual([acct.accountId]);
    const byEmail = await callRoute(accountsRoute.GET, {
      apiKey: operator.apiKey,
      path: `/api/operator/accounts?q=${encodeURIComponent(acct.ownerEmail)}`,
    });
    expect(byEmail.body.accounts[0]).toMatchObject({ id: acct.accountId, name: "Zebra Labs", ownerEmails: [acct.ownerEmail] });
    const byId = await callRoute(accountsRoute.GET, { apiKey: operator.apiKey, path: `/api/operator/accounts?q=${acct.accountId}` });
    expect(byId.body.accounts).toHaveLength(1);
    const detail = await callRoute(accountRoute.GET, { apiKey: operator.apiKey, params: { id: acct.accountId } });
    expect(detail.body).toMatchObject({
      id: acct.accountId,
      tier: "tier1",
      members: [{ email: acct.ownerEmail, role: "owner" }],
      invoices: [],
    });
    expect((await callRoute(accountRoute.GET, { apiKey: operator.apiKey, params: { id: "nope" } })).status).toBe(404);
  });

  it("refuses non-operators with 403", async () => {
    const acct = await createAccountFixture();
    expect((await callRoute(accountsRoute.GET, { apiKey: acct.apiKey })).status).toBe(403);
    expect((await post(suspendRoute.POST, acct.accountId, { reason: "x" }, acct.apiKey)).status).toBe(403);
    expect((await callRoute(jobsRoute.POST, { method: "POST", apiKey: acct.apiKey, params: { job: "reconcile" } })).status).toBe(403);
  });

  it("sets a tier to unlimited (no cap) and may set one explicitly, audited", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const res = await post(tierRoute.POST, acct.accountId, { tier: "unlimited", note: "enterprise contract" });
    expect(res.body).toMatchObject({ tier: "unlimited", previousTier: "tier1", status: "active" });
    expect((await callRoute(ownerAccountRoute.GET, { apiKey: acct.apiKey })).body).toMatchObject({
      tier: "unlimited",
      spendLimitUsd: null,
    });
    expect((await post(tierRoute.POST, acct.accountId, { tier: "tier2" })).body).toMatchObject({ tier: "tier2" });
    const audit = await db().auditLog.findMany({ where: { accountId: acct.accountId, action: "tier.set" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => [a.actorId, a.detail])).toEqual([
      [operator.ownerId, { from: "tier1", to: "unlimited", note: "enterprise contract" }],
      [operator.ownerId, { from: "unlimited", to: "tier2" }],
    ]);
    expect((await post(tierRoute.POST, acct.accountId, { tier: "gold" })).status).toBe(400);
    expect((await post(tierRoute.POST, "nope", { tier: "tier2" })).status).toBe(404);
  });

  it("a manual suspension is lifted only by an operator; automatic reasons that hold remain", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    expect((await post(suspendRoute.POST, acct.accountId, { reason: "" })).status).toBe(400);
    const suspended = await post(suspendRoute.POST, acct.accountId, { reason: "Abuse report #42" });
    expect(suspended.body).toMatchObject({ status: "suspended", alreadySuspended: false });
    const owner = await callRoute(ownerAccountRoute.GET, { apiKey: acct.apiKey });
    expect(owner.body).toMatchObject({ status: "suspended", suspensionReasons: [{ reason: "manual", detail: "Abuse report #42" }] });
    // Money events re-derive automatic reasons but never lift a manual one.
    await grantCredits({ accountId: acct.accountId, amountMicros: usd(100), idempotencyKey: "cs_manual", kind: "credit_purchase" });
    expect((await accountState(acct.accountId, new Date())).reasons).toEqual(["manual"]);

    const now = new Date();
    await chargeUsage(acct.accountId, usd(500), now); // reaches the new Tier 2 cap
    const lifted = await post(unsuspendRoute.POST, acct.accountId, { note: "resolved" });
    expect(lifted.body).toMatchObject({ status: "suspended", remainingReasons: ["spend_limit_reached"] });
    expect((await post(unsuspendRoute.POST, acct.accountId, { note: "again" })).status).toBe(409);
    const history = await db().suspensionReason.findFirstOrThrow({ where: { accountId: acct.accountId, reason: "manual" } });
    expect([history.setBy, history.liftedBy, history.liftNote]).toEqual([operator.ownerId, operator.ownerId, "resolved"]);
    // Still suspended (the limit): no "active again" notice.
    expect(await db().notification.count({ where: { accountId: acct.accountId, kind: "account_reactivated" } })).toBe(0);
  });

  it("lifting the last reason, a manual one, tells the owner the account is active again", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await post(suspendRoute.POST, acct.accountId, { reason: "Checking a chargeback" });
    const lifted = await post(unsuspendRoute.POST, acct.accountId, { note: "cleared" });
    expect(lifted.body).toMatchObject({ status: "active", remainingReasons: [] });
    const notes = await db().notification.findMany({ where: { accountId: acct.accountId, kind: "account_reactivated" } });
    expect(notes).toEqual([expect.objectContaining({ title: "Account active again" })]);
  });
});

describe("operator jobs", () => {
  it("runs month-close for a given time and period, and reconcile; unknown jobs and bad periods are refused", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(acct.accountId, usd(12), at2030(3, 3));
    const run = await callRoute(jobsRoute.POST, {
      method: "POST",
      apiKey: operator.apiKey,
      params: { job: "month-close" },
      body: { at: "2030-04-01T00:05:00Z", period: "2030-03", accountId: acct.accountId },
    });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      job: "month-close",
      result: { period: "2030-03", invoices: [{ accountId: acct.accountId, totalUsd: "12.00" }] },
    });
    const notOver = await callRoute(jobsRoute.POST, {
      method: "POST",
      apiKey: operator.apiKey,
      params: { job: "month-close" },
      body: { at: "2030-04-10T00:00:00Z", period: "2030-04" },
    });
    expect(notOver.status).toBe(400);
    const badPeriod = await callRoute(jobsRoute.POST, {
      method: "POST",
      apiKey: operator.apiKey,
      params: { job: "month-close" },
      body: { period: "2030-13" },
    });
    expect(badPeriod.status).toBe(400);
    expect((await callRoute(jobsRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { job: "nope" } })).status).toBe(404);
    const reconcile = await callRoute(jobsRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { job: "reconcile" } });
    expect(reconcile.status).toBe(200);
    expect(reconcile.body.result).toMatchObject({ differences: [] });
  });

  it("with real Stripe keys a job runs only as of now or the past: a future time is refused, naming at", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    process.env.STRIPE_SECRET_KEY = "sk_test_not_used";
    resetEnv();
    try {
      const future = new Date(Date.now() + 3 * 60 * 60_000).toISOString();
      for (const job of ["deployment-metering", "month-close", "fine-tuning"]) {
        const res = await callRoute(jobsRoute.POST, {
          method: "POST",
          apiKey: operator.apiKey,
          params: { job },
          body: { at: future, accountId: acct.accountId },
        });
        expect(res.status, job).toBe(400);
        expect(res.body.error).toMatchObject({ type: "invalid_request_error", param: "at" });
        expect(res.body.error.message).toMatch(/^at: .* is in the future/);
      }
      // A few seconds ahead (clocks differ) and the past are fine.
      const soon = new Date(Date.now() + 5_000).toISOString();
      const ok = await callRoute(jobsRoute.POST, {
        method: "POST",
        apiKey: operator.apiKey,
        params: { job: "reconcile" },
        body: { at: soon },
      });
      expect(ok.status).toBe(200);
    } finally {
      delete process.env.STRIPE_SECRET_KEY;
      resetEnv();
    }
  });
});
