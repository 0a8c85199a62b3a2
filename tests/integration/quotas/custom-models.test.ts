// Custom models and LoRAs: the deployed-models quota, names, bases, roles and isolation.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { addMemberFixture, createAccountFixture, seedModelsFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import * as modelsRoute from "@/app/api/v1/models/route";
import * as modelRoute from "@/app/api/v1/models/[id]/route";
import * as quotasRoute from "@/app/api/v1/quotas/route";
import * as fineTuningRoute from "@/app/api/v1/fine-tuning-jobs/route";
import * as setQuotaRoute from "@/app/api/operator/accounts/[id]/quotas/[name]/route";
import { createOperatorFixture } from "./helpers";

setupTestDatabase();

let operator: { userId: string; apiKey: string };
beforeAll(async () => {
  await seedModelsFixture();
  operator = await createOperatorFixture();
});

const create = (apiKey: string, body: unknown) => callRoute(modelsRoute.POST, { method: "POST", apiKey, body });

describe("custom models and LoRAs", () => {
  it("creates, lists and deletes; each counts toward deployed-models", async () => {
    const acct = await createAccountFixture();
    const base = await create(acct.apiKey, { name: "acme-base", kind: "model" });
    expect(base.status).toBe(201);
    expect(base.body).toMatchObject({ name: "acme-base", kind: "model", baseModel: null });
    const onCatalogue = await create(acct.apiKey, { name: "support-lora", kind: "lora", baseModel: "hr-small-8b" });
    expect(onCatalogue.status).toBe(201);
    expect((await create(acct.apiKey, { name: "acme-lora", kind: "lora", baseModel: "acme-base" })).status).toBe(201);

    const listed = await callRoute(modelsRoute.GET, { apiKey: acct.apiKey });
    expect(listed.body.models.map((m: { name: string }) => m.name).sort()).toEqual(["acme-base", "acme-lora", "support-lora"]);
    expect((await callRoute(quotasRoute.GET, { apiKey: acct.apiKey })).body.quotas).toContainEqual({
      name: "deployed-models",
      value: 100,
      max: null,
      usage: 3,
    });

    const deleted = await callRoute(modelRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: onCatalogue.body.id } });
    expect(deleted.body).toEqual({ id: onCatalogue.body.id, deleted: true });
    expect(
      (await callRoute(modelRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: onCatalogue.body.id } })).status,
    ).toBe(404);
    expect((await callRoute(quotasRoute.GET, { apiKey: acct.apiKey })).body.quotas).toContainEqual(
      expect.objectContaining({ name: "deployed-models", usage: 2 }),
    );
    // The name is free again once deleted.
    expect((await create(acct.apiKey, { name: "support-lora", kind: "lora", baseModel: "hr-small-8b" })).status).toBe(201);
  });

  it("validates names and bases", async () => {
    const acct = await createAccountFixture();
    expect((await create(acct.apiKey, { name: "dup", kind: "model" })).status).toBe(201);
    const dup = await create(acct.apiKey, { name: "dup", kind: "model" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.param).toBe("name");
    const noBase = await create(acct.apiKey, { name: "x", kind: "lora" });
    expect(noBase.status).toBe(400);
    expect(noBase.body.error.param).toBe("baseModel");
    const unknownBase = await create(acct.apiKey, { name: "y", kind: "lora", baseModel: "nope" });
    expect(unknownBase.status).toBe(400);
    expect(unknownBase.body.error.message).toContain('unknown model "nope"');
    expect((await create(acct.apiKey, { name: "Bad Name", kind: "model" })).body.error.param).toBe("name");
  });

  it("past the deployed-models quota is 422 naming it; fine-tuning jobs hold a slot too", async () => {
    const acct = await createAccountFixture();
    const set = await callRoute(setQuotaRoute.PUT, {
      method: "PUT",
      apiKey: operator.apiKey,
      params: { id: acct.accountId, name: "deployed-models" },
      body: { value: 2 },
    });
    expect(set.status).toBe(200);
    expect((await create(acct.apiKey, { name: "one", kind: "model" })).status).toBe(201);
    const job = await callRoute(fineTuningRoute.POST, {
      method: "POST",
      apiKey: acct.apiKey,
      body: { baseModel: "hr-small-8b", datasetTokens: 1000, epochs: 1 },
    });
    expect(job.status).toBe(201);
    const over = await create(acct.apiKey, { name: "two", kind: "model" });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: "quota_exceeded", type: "quota_error" });
    expect(over.body.error.message).toContain("deployed-models quota exceeded: 2 allowed, 2 in use, 1 requested");
    const overJob = await callRoute(fineTuningRoute.POST, {
      method: "POST",
      apiKey: acct.apiKey,
      body: { baseModel: "hr-small-8b", datasetTokens: 1000, epochs: 1 },
    });
    expect(overJob.status).toBe(422);
  });

  it("concurrent creates never pass the deployed-models quota", async () => {
    const acct = await createAccountFixture();
    await callRoute(setQuotaRoute.PUT, {
      method: "PUT",
      apiKey: operator.apiKey,
      params: { id: acct.accountId, name: "deployed-models" },
      body: { value: 5 },
    });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => create(acct.apiKey, { name: `m-${i}`, kind: "model" })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 422)).toHaveLength(7);
  });

  it("members read but cannot write; another account's model is 404", async () => {
    const acct = await createAccountFixture();
    const other = await createAccountFixture();
    const member = await addMemberFixture(acct.accountId);
    const mine = await create(acct.apiKey, { name: "mine", kind: "model" });
    expect((await create(member.apiKey, { name: "nope", kind: "model" })).status).toBe(403);
    expect((await callRoute(modelRoute.DELETE, { method: "DELETE", apiKey: member.apiKey, params: { id: mine.body.id } })).status).toBe(
      403,
    );
    expect((await callRoute(modelsRoute.GET, { apiKey: member.apiKey })).body.models).toHaveLength(1);
    expect((await callRoute(modelRoute.DELETE, { method: "DELETE", apiKey: other.apiKey, params: { id: mine.body.id } })).status).toBe(404);
    expect((await callRoute(modelsRoute.GET, { apiKey: other.apiKey })).body.models).toEqual([]);
  });
});
