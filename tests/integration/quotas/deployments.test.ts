// Deployments through the routes: quota enforcement under concurrency, quota requests that raise
// it, roles, account isolation, suspension, scale/start/stop, delete, custom models and LoRAs.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { addMemberFixture, createAccountFixture, seedModelsFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { syncSuspension } from "@/lib/billing/suspension";
import * as deploymentsRoute from "@/app/api/v1/deployments/route";
import * as deploymentRoute from "@/app/api/v1/deployments/[id]/route";
import * as quotasRoute from "@/app/api/v1/quotas/route";
import * as quotaRequestsRoute from "@/app/api/v1/quota-requests/route";
import * as operatorRequestsRoute from "@/app/api/operator/quota-requests/route";
import * as approveRoute from "@/app/api/operator/quota-requests/[id]/approve/route";
import * as modelsRoute from "@/app/api/v1/models/route";
import * as modelRoute from "@/app/api/v1/models/[id]/route";
import { meterAccountDeployments } from "@/lib/resources/deployments/meter-account";
import { createOperatorFixture } from "./helpers";

setupTestDatabase();

let operator: { userId: string; apiKey: string };
beforeAll(async () => {
  await seedModelsFixture();
  operator = await createOperatorFixture();
});

const create = (apiKey: string, body: unknown) => callRoute(deploymentsRoute.POST, { method: "POST", apiKey, body });

/** Deterministic 1–3 GPU asks. */
function asks(n: number, seed = 7): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 1 + (x % 3);
  });
}

describe("deployments and the GPU quotas", () => {
  it("20 concurrent creates admit exactly what fits in 8 A100s; an approved request lets the next one in", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const wanted = asks(20);
    const results = await Promise.all(wanted.map((gpuCount) => create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount })));

    const admitted = results.flatMap((r, i) => (r.status === 201 ? [wanted[i]!] : []));
    const refused = results.flatMap((r, i) => (r.status === 201 ? [] : [{ r, gpus: wanted[i]! }]));
    const sum = admitted.reduce((a, b) => a + b, 0);
    expect(sum).toBeLessThanOrEqual(8);
    for (const { r, gpus } of refused) {
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe("quota_exceeded");
      expect(r.body.error.message).toMatch(new RegExp(`^a100-gpus quota exceeded: 8 allowed, \\d+ in use, ${gpus} requested`));
      // No refused one would have fitted in what is left.
      expect(gpus).toBeGreaterThan(8 - sum);
    }
    const inDb = await db().deployment.aggregate({
      where: { accountId: acct.accountId, state: { not: "stopped" } },
      _sum: { gpuCount: true },
    });
    expect(inDb._sum.gpuCount).toBe(sum);
    const quotas = await callRoute(quotasRoute.GET, { apiKey: acct.apiKey });
    expect(quotas.body.quotas).toContainEqual({ name: "a100-gpus", value: 8, max: null, usage: sum });

    // Full: 3 more GPUs are refused with the numbers in the message.
    const over = await create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 3 });
    expect(over.status).toBe(422);
    expect(over.body.error.message).toContain(`a100-gpus quota exceeded: 8 allowed, ${sum} in use, 3 requested`);

    // Request more, operator approves, the same create now succeeds.
    const request = await callRoute(quotaRequestsRoute.POST, {
      method: "POST",
      apiKey: acct.apiKey,
      body: { quota: "a100-gpus", value: 16, reason: "Launch traffic" },
    });
    expect(request.status).toBe(201);
    expect(request.body).toMatchObject({ quota: "a100-gpus", value: 16, status: "pending" });
    const pending = await callRoute(operatorRequestsRoute.GET, {
      apiKey: operator.apiKey,
      path: "/api/operator/quota-requests?status=pending",
    });
    expect(pending.body.quotaRequests).toContainEqual(
      expect.objectContaining({
        id: request.body.id,
        account: expect.objectContaining({ id: acct.accountId }),
        currentValue: 8,
        usage: sum,
      }),
    );
    const approved = await callRoute(approveRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { id: request.body.id } });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe("approved");
    const next = await create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 3 });
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({
      model: "hr-small-8b",
      gpuType: "A100",
      gpuCount: 3,
      state: "starting",
      pricePerGpuMinuteUsd: "0.040800",
    });
  });

  it("counts A100 and H100 separately; stopped deployments hold no GPUs", async () => {
    const acct = await createAccountFixture();
    const a = await create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 8 });
    expect(a.status).toBe(201);
    expect((await create(acct.apiKey, { model: "hr-small-8b", gpuType: "h100", gpuCount: 8 })).status).toBe(201);
    expect((await create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 })).status).toBe(422);
    const stopped = await callRoute(deploymentRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { id: a.body.id },
      body: { action: "stop" },
    });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ state: "stopped", stoppedReason: "stopped by the owner" });
    expect((await create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 })).status).toBe(201);
    // Restarting the stopped 8-GPU deployment no longer fits.
    const restart = await callRoute(deploymentRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { id: a.body.id },
      body: { action: "start" },
    });
    expect(restart.status).toBe(422);
    expect(restart.body.error.message).toContain("a100-gpus quota exceeded: 8 allowed, 1 in use, 8 requested");
  });

  it("scales within the quota; scaling past it is 422; a stopped deployment restarts", async () => {
    const acct = await createAccountFixture();
    const d = await create(acct.apiKey, { model: "hr-medium-70b", gpuType: "H100", gpuCount: 2 });
    const patch = (body: unknown) =>
      callRoute(deploymentRoute.PATCH, { method: "PATCH", apiKey: acct.apiKey, params: { id: d.body.id }, body });
    expect((await patch({ gpuCount: 8 })).body.gpuCount).toBe(8);
    const over = await patch({ gpuCount: 9 });
    expect(over.status).toBe(422);
    expect(over.body.error.message).toContain("h100-gpus quota exceeded: 8 allowed, 8 in use, 1 requested");
    expect((await patch({ gpuCount: 4 })).body).toMatchObject({ gpuCount: 4, pricePerMinuteUsd: "0.266800" });
    expect((await patch({ action: "stop" })).body.state).toBe("stopped");
    expect((await patch({ action: "stop" })).status).toBe(200); // idempotent
    const started = await patch({ action: "start" });
    expect(started.body).toMatchObject({ state: "starting", stoppedAt: null, stoppedReason: null });
    const bad = await patch({ gpuCount: 2, action: "stop" });
    expect(bad.status).toBe(400);
    expect((await patch({ gpuCount: 0 })).body.error.param).toBe("gpuCount");
  });

  it("a stopped deployment may be resized while others hold the GPUs, but not past the quota itself (422)", async () => {
    const acct = await createAccountFixture();
    const d = await create(acct.apiKey, { model: "hr-small-8b", gpuType: "H100", gpuCount: 2 });
    const patch = (body: unknown) =>
      callRoute(deploymentRoute.PATCH, { method: "PATCH", apiKey: acct.apiKey, params: { id: d.body.id }, body });
    expect((await patch({ action: "stop" })).body.state).toBe("stopped");
    expect((await create(acct.apiKey, { model: "hr-small-8b", gpuType: "H100", gpuCount: 7 })).status).toBe(201);
    // 8 fits the quota (it starts once the other one stops); 1000 never could.
    expect((await patch({ gpuCount: 8 })).body).toMatchObject({ gpuCount: 8, state: "stopped" });
    const huge = await patch({ gpuCount: 1000 });
    expect(huge.status).toBe(422);
    expect(huge.body.error).toMatchObject({ code: "quota_exceeded" });
    expect(huge.body.error.message).toContain("h100-gpus quota exceeded: 8 allowed, so a deployment of 1000 could never start");
    expect((await patch({ gpuCount: 1 })).body).toMatchObject({ gpuCount: 1 });
  });

  it("rejects unknown models and GPU types with 400 naming the field", async () => {
    const acct = await createAccountFixture();
    const unknown = await create(acct.apiKey, { model: "nope", gpuType: "A100", gpuCount: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.param).toBe("model");
    const gpu = await create(acct.apiKey, { model: "hr-small-8b", gpuType: "B200", gpuCount: 1 });
    expect(gpu.status).toBe(400);
    expect(gpu.body.error.param).toBe("gpuType");
  });

  it("members read but get 403 on every write; another account's deployment is 404", async () => {
    const acct = await createAccountFixture();
    const other = await createAccountFixture();
    const member = await addMemberFixture(acct.accountId);
    const mine = await create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 });
    const theirs = await create(other.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 });

    const memberCreate = await create(member.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 });
    expect(memberCreate.status).toBe(403);
    expect(memberCreate.body.error.code).toBe("forbidden");
    expect(
      (
        await callRoute(deploymentRoute.PATCH, {
          method: "PATCH",
          apiKey: member.apiKey,
          params: { id: mine.body.id },
          body: { gpuCount: 2 },
        })
      ).status,
    ).toBe(403);
    expect(
      (await callRoute(deploymentRoute.DELETE, { method: "DELETE", apiKey: member.apiKey, params: { id: mine.body.id } })).status,
    ).toBe(403);
    const memberList = await callRoute(deploymentsRoute.GET, { apiKey: member.apiKey });
    expect(memberList.status).toBe(200);
    expect(memberList.body.deployments.map((x: { id: string }) => x.id)).toEqual([mine.body.id]);
    expect((await callRoute(deploymentRoute.GET, { apiKey: member.apiKey, params: { id: mine.body.id } })).status).toBe(200);

    for (const res of [
      await callRoute(deploymentRoute.GET, { apiKey: acct.apiKey, params: { id: theirs.body.id } }),
      await callRoute(deploymentRoute.PATCH, {
        method: "PATCH",
        apiKey: acct.apiKey,
        params: { id: theirs.body.id },
        body: { gpuCount: 2 },
      }),
      await callRoute(deploymentRoute.PATCH, {
        method: "PATCH",
        apiKey: acct.apiKey,
        params: { id: theirs.body.id },
        body: { action: "stop" },
      }),
      await callRoute(deploymentRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: theirs.body.id } }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    const untouched = await db().deployment.findUniqueOrThrow({ where: { id: theirs.body.id } });
    expect(untouched).toMatchObject({ state: "starting", gpuCount: 1 });
  });

  it("a suspended account cannot create or start (402 with the reason as code)", async () => {
    const acct = await createAccountFixture();
    const d = await create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 });
    await db().$transaction(async (tx) => {
      await tx.suspensionReason.create({
        data: { accountId: acct.accountId, reason: "manual", detail: "test", activeKey: `${acct.accountId}:manual` },
      });
      await syncSuspension(tx, acct.accountId);
    });
    const halted = await db().deployment.findUniqueOrThrow({ where: { id: d.body.id } });
    expect(halted.state).toBe("stopped");
    expect(halted.stoppedReason).toContain("manual");

    const refused = await create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 });
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ type: "account_suspended", code: "manual" });
    const start = await callRoute(deploymentRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { id: d.body.id },
      body: { action: "start" },
    });
    expect(start.status).toBe(402);
    // Stopping and reading still work.
    expect((await callRoute(deploymentRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: d.body.id } })).status).toBe(
      200,
    );
  });
});

describe("deleting deployments, and deploying custom models", () => {
  const list = async (apiKey: string) =>
    (await callRoute(deploymentsRoute.GET, { apiKey })).body.deployments as { id: string; model: string }[];

  it("DELETE stops it, charges its whole minutes, and removes it from the list and from GET; its charges stay", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const d = await create(acct.apiKey, { model: "hr-small-8b", gpuType: "A100", gpuCount: 2 });
    expect(d.status).toBe(201);
    // Let it run: started 10 minutes ago (ready after its start-up), then metered.
    await db().deployment.update({ where: { id: d.body.id }, data: { startedAt: new Date(Date.now() - 10 * 60_000), state: "running" } });
    const gone = await callRoute(deploymentRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: d.body.id } });
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ id: d.body.id, state: "stopped" });
    expect(Number(gone.body.chargedUsd)).toBeGreaterThan(0);
    expect(await list(acct.apiKey)).toEqual([]);
    expect((await callRoute(deploymentRoute.GET, { apiKey: acct.apiKey, params: { id: d.body.id } })).status).toBe(404);
    const again = await callRoute(deploymentRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: d.body.id } });
    expect(again.status).toBe(404);
    const restart = await callRoute(deploymentRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { id: d.body.id },
      body: { action: "start" },
    });
    expect(restart.status).toBe(404);
    // The minutes it ran are in the ledger; nothing more accrues.
    const charged = await db().ledgerEntry.count({ where: { accountId: acct.accountId, deploymentId: d.body.id } });
    expect(charged).toBeGreaterThan(0);
    await db().$transaction((tx) =>
      meterAccountDeployments(tx, acct.accountId, new Date(Date.now() + 30 * 60_000), { enforceLimit: false }),
    );
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, deploymentId: d.body.id } })).toBe(charged);
    const quotas = await callRoute(quotasRoute.GET, { apiKey: acct.apiKey });
    expect(quotas.body.quotas).toContainEqual(expect.objectContaining({ name: "a100-gpus", usage: 0 }));
  });

  it("a LoRA and a custom model deploy by name; the model cannot be deleted while its deployment runs", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const mk = (body: unknown) => callRoute(modelsRoute.POST, { method: "POST", apiKey: acct.apiKey, body });
    const lora = await mk({ name: "support-lora", kind: "lora", baseModel: "hr-small-8b" });
    expect(lora.status).toBe(201);
    const own = await mk({ name: "own-weights", kind: "model" });
    expect(own.status).toBe(201);

    const onLora = await create(acct.apiKey, { model: "support-lora", gpuType: "H100", gpuCount: 1 });
    expect(onLora.status).toBe(201);
    expect(onLora.body).toMatchObject({ model: "support-lora", gpuType: "H100", gpuCount: 1 });
    const row = await db().deployment.findUniqueOrThrow({ where: { id: onLora.body.id }, include: { model: true } });
    expect(row.customModelId).toBe(lora.body.id);
    expect(row.model?.name).toBe("hr-small-8b"); // runs on its base
    const onOwn = await create(acct.apiKey, { model: "own-weights", gpuType: "A100", gpuCount: 2 });
    expect(onOwn.status).toBe(201);
    expect((await db().deployment.findUniqueOrThrow({ where: { id: onOwn.body.id } })).modelId).toBeNull();
    expect((await list(acct.apiKey)).map((d) => d.model).sort()).toEqual(["own-weights", "support-lora"]);

    // Another account's model of the same name is not ours to deploy.
    const other = await createAccountFixture({ tier: "tier2" });
    const theirs = await create(other.apiKey, { model: "support-lora", gpuType: "H100", gpuCount: 1 });
    expect(theirs.status).toBe(400);
    expect(theirs.body.error).toMatchObject({ param: "model" });

    const refused = await callRoute(modelRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: lora.body.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/1 deployment starting or running: stop or delete it first/);
    await callRoute(deploymentRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: onLora.body.id } });
    expect((await callRoute(modelRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: lora.body.id } })).status).toBe(200);
    // Gone: no longer deployable, and a stopped deployment of it cannot start again.
    expect((await create(acct.apiKey, { model: "support-lora", gpuType: "H100", gpuCount: 1 })).status).toBe(400);
    const stop = (id: string, action: "stop" | "start") =>
      callRoute(deploymentRoute.PATCH, { method: "PATCH", apiKey: acct.apiKey, params: { id }, body: { action } });
    expect((await stop(onOwn.body.id, "stop")).status).toBe(200);
    expect((await callRoute(modelRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { id: own.body.id } })).status).toBe(200);
    const restart = await stop(onOwn.body.id, "start");
    expect(restart.status).toBe(409);
    expect(restart.body.error.message).toMatch(/"own-weights" was deleted/);
  });
});
