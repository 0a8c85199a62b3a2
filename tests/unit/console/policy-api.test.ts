// The operator policy API behind /operator/policies: GET /api/operator/policies, PUT …/{model}
// (validated, audited, seen by the gateway at once) and POST …/preview (the limit simulator).
// Route handlers are called directly on a fresh embedded database.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture, type AccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { gateway } from "@/lib/gateway/context";
import { DEFAULT_POLICY } from "@/lib/limits/policy";
import * as listRoute from "@/app/api/operator/policies/route";
import * as putRoute from "@/app/api/operator/policies/[model]/route";
import * as previewRoute from "@/app/api/operator/policies/preview/route";

setupTestDatabase();

let operator: AccountFixture;
let owner: AccountFixture;
beforeAll(async () => {
  await seedModelsFixture();
  operator = await createAccountFixture({ name: "Platform staff" });
  await db().user.update({ where: { id: operator.ownerId }, data: { isOperator: true } });
  owner = await createAccountFixture({ name: "Customer" });
});

const put = (model: string, body: unknown, apiKey = operator.apiKey) =>
  callRoute(putRoute.PUT, { method: "PUT", apiKey, params: { model }, body });
const preview = (body: unknown, apiKey = operator.apiKey) => callRoute(previewRoute.POST, { method: "POST", apiKey, body });

describe("operator policy API", () => {
  it("is for operators only", async () => {
    expect((await callRoute(listRoute.GET, { apiKey: owner.apiKey })).status).toBe(403);
    expect((await put("hr-small-8b", { policy: DEFAULT_POLICY }, owner.apiKey)).status).toBe(403);
    expect((await preview({ policy: DEFAULT_POLICY }, owner.apiKey)).status).toBe(403);
    expect((await callRoute(listRoute.GET)).status).toBe(401);
  });

  it("lists every model with the policy it runs under", async () => {
    const res = await callRoute(listRoute.GET, { apiKey: operator.apiKey });
    expect(res.status).toBe(200);
    const large = res.body.policies.find((p: { model: string }) => p.model === "hr-large-405b");
    expect(large).toMatchObject({ sizeClass: "large", stored: true, policy: { baseRpm: 30, capRpm: 600, growthRpmPerMinute: 4 } });
    expect(Object.keys(large.policy).sort()).toEqual(Object.keys(DEFAULT_POLICY).sort());
  });

  it("replaces a policy: stored, audited, and used by this instance's gateway at once", async () => {
    const before = await gateway().catalog.get("hr-medium-70b");
    expect(before?.policy.baseRpm).toBe(60);
    const policy = { ...DEFAULT_POLICY, baseRpm: 6, growthRpmPerMinute: 6, sustainThresholdPct: 50 };
    const res = await put("hr-medium-70b", { policy });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model: "hr-medium-70b", policy, stored: true, previous: { baseRpm: 60 } });
    expect((await gateway().catalog.get("hr-medium-70b"))?.policy).toEqual(policy);
    const audit = await db().auditLog.findFirst({ where: { action: "rate_limit_policy.set" }, orderBy: { createdAt: "desc" } });
    expect(audit).toMatchObject({ actorId: operator.ownerId, accountId: null });
    expect(audit?.detail).toMatchObject({ model: "hr-medium-70b", before: { baseRpm: 60 }, after: { baseRpm: 6 } });
  });

  it("refuses invalid policies naming the field, and unknown models", async () => {
    const bad = await put("hr-small-8b", { policy: { ...DEFAULT_POLICY, capRpm: 10, baseRpm: 60 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "invalid_request_error", param: "policy.capRpm" });
    const missing = await put("hr-small-8b", { policy: { baseRpm: 6 } });
    expect(missing.status).toBe(400);
    const unknown = await put("no-such-model", { policy: DEFAULT_POLICY });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("model_not_found");
  });

  it("previews the growth curve of a policy for a traffic pattern", async () => {
    const res = await preview({ policy: DEFAULT_POLICY, traffic: "track", minutes: 121 });
    expect(res.status).toBe(200);
    expect(res.body.minutes).toHaveLength(121);
    expect([0, 10, 60, 120].map((m) => res.body.minutes[m].limits.requests)).toEqual([60, 120, 720, 1440]);
    expect(res.body.summary).toMatchObject({ startRpm: 60, endRpm: 1440, capReachedAtMinute: null });
    const badTraffic = await preview({ policy: DEFAULT_POLICY, traffic: "lots" });
    expect(badTraffic.status).toBe(400);
    expect(badTraffic.body.error.param).toBe("traffic");
    const tooMuch = await preview({ policy: { ...DEFAULT_POLICY, capRpm: 1_000_000 }, minutes: 1440 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.param).toBe("minutes");
  });
});
