// Quota requests (owner asks, operator approves or denies, the account is notified) and operators
// setting quota values directly (audited).
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { addMemberFixture, createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import * as requestsRoute from "@/app/api/v1/quota-requests/route";
import * as quotasRoute from "@/app/api/v1/quotas/route";
import * as operatorRequestsRoute from "@/app/api/operator/quota-requests/route";
import * as approveRoute from "@/app/api/operator/quota-requests/[id]/approve/route";
import * as denyRoute from "@/app/api/operator/quota-requests/[id]/deny/route";
import * as accountQuotasRoute from "@/app/api/operator/accounts/[id]/quotas/route";
import * as setQuotaRoute from "@/app/api/operator/accounts/[id]/quotas/[name]/route";
import { createOperatorFixture } from "./helpers";

setupTestDatabase();

let operator: { userId: string; apiKey: string };
beforeAll(async () => {
  operator = await createOperatorFixture();
});

const ask = (apiKey: string, body: unknown) => callRoute(requestsRoute.POST, { method: "POST", apiKey, body });
const quotaOf = async (apiKey: string, name: string) =>
  ((await callRoute(quotasRoute.GET, { apiKey })).body.quotas as { name: string; value: number }[]).find((q) => q.name === name)!.value;

describe("quota requests", () => {
  it("must raise the value, name a count quota and give a reason", async () => {
    const acct = await createAccountFixture();
    const same = await ask(acct.apiKey, { quota: "h100-gpus", value: 8, reason: "more" });
    expect(same.status).toBe(400);
    expect(same.body.error).toMatchObject({ param: "value" });
    expect(same.body.error.message).toContain("more than the current h100-gpus quota (8)");
    const spend = await ask(acct.apiKey, { quota: "monthly-spend-usd", value: 100, reason: "more" });
    expect(spend.status).toBe(400);
    expect(spend.body.error.message).toContain("PATCH /api/v1/quotas/monthly-spend-usd");
    expect((await ask(acct.apiKey, { quota: "tpus", value: 100, reason: "x" })).body.error.param).toBe("quota");
    expect((await ask(acct.apiKey, { quota: "h100-gpus", value: 16, reason: " " })).body.error.param).toBe("reason");
  });

  it("allows one pending request per quota, even when asked concurrently", async () => {
    const acct = await createAccountFixture();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => ask(acct.apiKey, { quota: "a100-gpus", value: 32, reason: "training" })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const conflicts = results.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(5);
    expect(conflicts[0]!.body.error.message).toContain("already pending");
    expect((await ask(acct.apiKey, { quota: "h100-gpus", value: 16, reason: "training" })).status).toBe(201);
    const mine = await callRoute(requestsRoute.GET, { apiKey: acct.apiKey });
    expect(mine.body.quotaRequests.map((r: { quota: string }) => r.quota).sort()).toEqual(["a100-gpus", "h100-gpus"]);
  });

  it("members read requests but cannot make them", async () => {
    const acct = await createAccountFixture();
    const member = await addMemberFixture(acct.accountId);
    expect((await ask(member.apiKey, { quota: "a100-gpus", value: 16, reason: "x" })).status).toBe(403);
    expect((await callRoute(requestsRoute.GET, { apiKey: member.apiKey })).status).toBe(200);
  });

  it("operators list pending requests, approve one (quota set, account notified, audited) and deny another with a reason", async () => {
    const acct = await createAccountFixture({ name: "Acme Robotics" });
    const a = await ask(acct.apiKey, { quota: "a100-gpus", value: 24, reason: "Batch inference" });
    const h = await ask(acct.apiKey, { quota: "h100-gpus", value: 64, reason: "Pre-training" });

    expect(
      (await callRoute(operatorRequestsRoute.GET, { apiKey: acct.apiKey, path: "/api/operator/quota-requests?status=pending" })).status,
    ).toBe(403);
    const bad = await callRoute(operatorRequestsRoute.GET, { apiKey: operator.apiKey, path: "/api/operator/quota-requests?status=maybe" });
    expect(bad.status).toBe(400);
    const pending = await callRoute(operatorRequestsRoute.GET, {
      apiKey: operator.apiKey,
      path: "/api/operator/quota-requests?status=pending",
    });
    expect(pending.status).toBe(200);
    const ids = pending.body.quotaRequests.map((r: { id: string }) => r.id);
    expect(ids).toEqual(expect.arrayContaining([a.body.id, h.body.id]));
    expect(pending.body.quotaRequests.find((r: { id: string }) => r.id === h.body.id)).toMatchObject({
      account: { id: acct.accountId, name: "Acme Robotics" },
      quota: "h100-gpus",
      value: 64,
      currentValue: 8,
      usage: 0,
      reason: "Pre-training",
    });

    const approved = await callRoute(approveRoute.POST, {
      method: "POST",
      apiKey: operator.apiKey,
      params: { id: a.body.id },
      body: { note: "Enjoy" },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", decisionNote: "Enjoy" });
    expect(await quotaOf(acct.apiKey, "a100-gpus")).toBe(24);

    const noReason = await callRoute(denyRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { id: h.body.id }, body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.param).toBe("reason");
    const denied = await callRoute(denyRoute.POST, {
      method: "POST",
      apiKey: operator.apiKey,
      params: { id: h.body.id },
      body: { reason: "No H100 capacity in your region this quarter" },
    });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: "denied", decisionNote: "No H100 capacity in your region this quarter" });
    expect(await quotaOf(acct.apiKey, "h100-gpus")).toBe(8);

    // Decisions are final.
    expect((await callRoute(approveRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { id: h.body.id } })).status).toBe(409);
    expect(
      (await callRoute(denyRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { id: a.body.id }, body: { reason: "x" } }))
        .status,
    ).toBe(409);
    expect((await callRoute(approveRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { id: "nope" } })).status).toBe(404);

    const notes = await db().notification.findMany({ where: { accountId: acct.accountId }, orderBy: { createdAt: "asc" } });
    expect(notes.map((n) => [n.kind, n.body])).toEqual([
      ["quota_request_approved", "Your a100-gpus quota is now 24 (you asked for 24). Note from the operator: Enjoy"],
      ["quota_request_denied", "Your request to raise h100-gpus to 64 was denied: No H100 capacity in your region this quarter"],
    ]);
    const audit = await db().auditLog.findMany({ where: { accountId: acct.accountId, action: { startsWith: "quota_request." } } });
    expect(audit.map((e) => [e.action, e.actorId]).sort()).toEqual([
      ["quota_request.approved", operator.userId],
      ["quota_request.created", acct.ownerId],
      ["quota_request.created", acct.ownerId],
      ["quota_request.denied", operator.userId],
    ]);
    // A new request for the denied quota may be made now that none is pending.
    expect((await ask(acct.apiKey, { quota: "h100-gpus", value: 12, reason: "Smaller ask" })).status).toBe(201);
  });

  it("approval never lowers a value an operator has meanwhile set higher", async () => {
    const acct = await createAccountFixture();
    const r = await ask(acct.apiKey, { quota: "a100-gpus", value: 12, reason: "x" });
    await callRoute(setQuotaRoute.PUT, {
      method: "PUT",
      apiKey: operator.apiKey,
      params: { id: acct.accountId, name: "a100-gpus" },
      body: { value: 40 },
    });
    await callRoute(approveRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { id: r.body.id } });
    expect(await quotaOf(acct.apiKey, "a100-gpus")).toBe(40);
  });
});

describe("operators set quota values", () => {
  it("sets a count quota (audited), and refuses the spend quota, unknown quotas and accounts", async () => {
    const acct = await createAccountFixture();
    const put = (name: string, body: unknown, id = acct.accountId, apiKey = operator.apiKey) =>
      callRoute(setQuotaRoute.PUT, { method: "PUT", apiKey, params: { id, name }, body });

    const set = await put("h100-gpus", { value: 2 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ name: "h100-gpus", value: 2, max: null, usage: 0 });
    const audit = await db().auditLog.findFirstOrThrow({ where: { accountId: acct.accountId, action: "quota.set" } });
    expect(audit).toMatchObject({ actorId: operator.userId, detail: { quota: "h100-gpus", from: 8, to: 2 } });

    const listed = await callRoute(accountQuotasRoute.GET, { apiKey: operator.apiKey, params: { id: acct.accountId } });
    expect(listed.body.quotas).toContainEqual({ name: "h100-gpus", value: 2, max: null, usage: 0 });
    expect((await callRoute(accountQuotasRoute.GET, { apiKey: operator.apiKey, params: { id: "nope" } })).status).toBe(404);

    expect((await put("monthly-spend-usd", { value: 2 })).status).toBe(400);
    expect((await put("tpus", { value: 2 })).status).toBe(404);
    expect((await put("h100-gpus", { value: -1 })).body.error.param).toBe("value");
    expect((await put("h100-gpus", { value: 2 }, "nope")).status).toBe(404);
    expect((await put("h100-gpus", { value: 20 }, acct.accountId, acct.apiKey)).status).toBe(403);
  });
});
