// The REST API's edges answer in the §7 shape and say what is wrong: unknown paths under /api/v1 and
// /api/operator are a JSON 404 naming the path; a method a route does not take is a JSON 405 with a
// true Allow header (OPTIONS lists the same); missing money fields and bad query parameters are
// named with what is expected; a body that may be left out can be; `?model=` must name a model; a
// custom model cannot take a catalogue model's name.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { createOperatorFixture } from "../quotas/helpers";
import { discoverRoutes, fillPattern, type DiscoveredRoute } from "../../security/discover";
import * as v1Fallback from "@/app/api/v1/[[...path]]/route";
import * as operatorFallback from "@/app/api/operator/[[...path]]/route";
import * as accountRoute from "@/app/api/v1/account/route";
import * as apiKeysRoute from "@/app/api/v1/api-keys/route";
import * as quotaRoute from "@/app/api/v1/quotas/[name]/route";
import * as checkoutRoute from "@/app/api/v1/credits/checkout/route";
import * as autoTopUpRoute from "@/app/api/v1/auto-top-up/route";
import * as usageRoute from "@/app/api/v1/usage/route";
import * as modelsRoute from "@/app/api/v1/models/route";
import * as deploymentsRoute from "@/app/api/v1/deployments/route";
import * as membersRoute from "@/app/api/v1/members/route";
import * as memberRoute from "@/app/api/v1/members/[userId]/route";
import * as notificationsRoute from "@/app/api/v1/notifications/route";
import * as acceptRoute from "@/app/api/invitations/[token]/accept/route";
import * as operatorRequestsRoute from "@/app/api/operator/quota-requests/route";
import * as approveRoute from "@/app/api/operator/quota-requests/[id]/approve/route";

setupTestDatabase();

type RouteFn = Parameters<typeof callRoute>[0];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

let owner: Awaited<ReturnType<typeof createAccountFixture>>;
let operator: { userId: string; apiKey: string };
beforeAll(async () => {
  await seedModelsFixture();
  owner = await createAccountFixture({ name: "Demo Inc." });
  operator = await createOperatorFixture();
});

function expectError(res: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  expect(res.body.error).toEqual(expect.objectContaining({ code, type: expect.any(String), message: expect.any(String) }));
}

describe("unknown paths under /api/v1 and /api/operator", () => {
  it.each([
    ["/api/v1/nonexistent", v1Fallback],
    ["/api/v1/api-keys/abc/extra", v1Fallback],
    ["/api/operator/nope", operatorFallback],
  ] as const)("%s is a 404 in the §7 shape naming the path, for every method", async (path, mod) => {
    for (const method of [...METHODS, "OPTIONS"] as const) {
      const handler = (mod as unknown as Record<string, RouteFn | undefined>)[method];
      expect(handler, `${method} is exported`).toBeTypeOf("function");
      const res = await callRoute(handler!, { method, path, apiKey: owner.apiKey });
      expectError(res, 404, "not_found");
      expect(res.body.error.message).toContain(path);
    }
  });

  it("needs no credentials (the path is wrong whoever asks)", async () => {
    const res = await callRoute(v1Fallback.GET, { path: "/api/v1/nonexistent" });
    expectError(res, 404, "not_found");
  });
});

describe("methods a route does not take", () => {
  it.each([
    ["GET", "/api/v1/quotas/monthly-spend-usd", quotaRoute, "OPTIONS, PATCH"],
    ["DELETE", "/api/v1/account", accountRoute, "GET, HEAD, OPTIONS"],
    ["PUT", "/api/v1/api-keys", apiKeysRoute, "GET, HEAD, OPTIONS, POST"],
  ] as const)("%s %s is a 405 with Allow and a JSON body", async (method, path, mod, allow) => {
    const handler = (mod as unknown as Record<string, RouteFn | undefined>)[method];
    expect(handler, `${method} is exported`).toBeTypeOf("function");
    const res = await callRoute(handler!, { method, path, apiKey: owner.apiKey });
    expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe(allow);
    expect(res.body.error.message).toContain(path);
    // OPTIONS says the same (Next's own would list every exported name).
    const options = await callRoute((mod as unknown as Record<string, RouteFn>).OPTIONS!, { method: "OPTIONS", path });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe(allow);
  });

  // Every route file under /api/v1 and /api/operator: each method is either the route's own (which
  // asks an anonymous caller to authenticate) or a 405 whose Allow names exactly the route's own.
  const files = new Map<string, DiscoveredRoute>();
  for (const r of discoverRoutes()) if (/^\/api\/(v1|operator)\//.test(r.pattern) && !r.pattern.includes("...")) files.set(r.file, r);
  it.each([...files.values()].map((r) => [r.pattern, r] as const))("%s", async (pattern, route) => {
    const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, RouteFn | undefined>;
    const path = fillPattern(pattern, {});
    const statuses = new Map<string, number>();
    const refused: { method: string; allow: string | null; body: any }[] = [];
    for (const method of METHODS) {
      const handler = mod[method];
      expect(handler, `${pattern} must export ${method} (Next's own 405 is an empty body)`).toBeTypeOf("function");
      const res = await callRoute(handler!, { method, path });
      statuses.set(method, res.status);
      if (res.status === 405) refused.push({ method, allow: res.headers.get("allow"), body: res.body });
    }
    const own = METHODS.filter((m) => statuses.get(m) === 401);
    expect(own.length, `${pattern}: ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
    expect(own.length + refused.length).toBe(METHODS.length);
    const allow = [...own, ...(own.includes("GET") ? ["HEAD"] : []), "OPTIONS"].sort().join(", ");
    for (const r of refused) {
      expect(r.allow, `${r.method} ${pattern}`).toBe(allow);
      expect(r.body.error.code).toBe("method_not_allowed");
    }
    expect(mod.OPTIONS, `${pattern} must export OPTIONS`).toBeTypeOf("function");
    expect((await callRoute(mod.OPTIONS!, { method: "OPTIONS", path })).headers.get("allow")).toBe(allow);
    if (!own.includes("GET")) {
      expect(mod.HEAD, `${pattern} has no GET: it must export HEAD`).toBeTypeOf("function");
      expect((await callRoute(mod.HEAD!, { method: "HEAD", path })).status).toBe(405);
    }
  });
});

describe("400s name the field and what is expected", () => {
  const patch = (body: unknown) =>
    callRoute(quotaRoute.PATCH, {
      method: "PATCH",
      apiKey: owner.apiKey,
      params: { name: "monthly-spend-usd" },
      path: "/api/v1/quotas/monthly-spend-usd",
      body,
    });

  it("a missing or null spend limit", async () => {
    const missing = await patch({});
    expectError(missing, 400, "invalid_request_error");
    expect(missing.body.error.message).toMatch(/^value: required, a non-negative amount in USD .*e\.g\. "200"/);
    expect(missing.body.error.param).toBe("value");
    const nul = await patch({ value: null });
    expectError(nul, 400, "invalid_request_error");
    expect(nul.body.error.message).toMatch(/^value: must be a non-negative amount in USD .*e\.g\. "200"/);
    expect(nul.body.error.param).toBe("value");
  });

  it("a missing credit amount", async () => {
    const res = await callRoute(checkoutRoute.POST, { method: "POST", apiKey: owner.apiKey, body: {} });
    expectError(res, 400, "invalid_request_error");
    expect(res.body.error.message).toMatch(/^amountUsd: required, a whole number of US dollars, e\.g\. "20"/);
    expect(res.body.error.param).toBe("amountUsd");
  });

  it("a missing auto top-up threshold", async () => {
    const res = await callRoute(autoTopUpRoute.PUT, { method: "PUT", apiKey: owner.apiKey, body: { enabled: true } });
    expectError(res, 400, "invalid_request_error");
    expect(res.body.error.message).toMatch(/^thresholdUsd: required, a non-negative amount in USD/);
    expect(res.body.error.param).toBe("thresholdUsd");
  });

  it("a bad query parameter is named and is the param", async () => {
    const res = await callRoute(operatorRequestsRoute.GET, { apiKey: operator.apiKey, path: "/api/operator/quota-requests?status=bogus" });
    expectError(res, 400, "invalid_request_error");
    expect(res.body.error.message).toBe("status: must be one of pending, approved, denied");
    expect(res.body.error.param).toBe("status");
  });
});

describe("a body that may be left out", () => {
  it("POST /api/v1/api-keys with no body, or an empty one, takes the default name", async () => {
    const none = await callRoute(apiKeysRoute.POST, { method: "POST", apiKey: owner.apiKey });
    expect(none.status, JSON.stringify(none.body)).toBe(201);
    expect(none.body.name).toBe("default");
    const empty = await callRoute(apiKeysRoute.POST, {
      method: "POST",
      apiKey: owner.apiKey,
      headers: { "content-type": "application/json" },
    });
    expect(empty.status, JSON.stringify(empty.body)).toBe(201);
    expect(empty.body.name).toBe("default");
  });

  it("a non-empty body must still be JSON", async () => {
    const res = await callRoute(apiKeysRoute.POST, {
      method: "POST",
      apiKey: owner.apiKey,
      body: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectError(res, 415, "unsupported_media_type");
  });

  it("an operator approves with an empty JSON body", async () => {
    const acct = await createAccountFixture();
    const { createQuotaRequest } = await import("@/lib/quotas/requests/create-quota-request");
    const made = await createQuotaRequest(acct.accountId, { quota: "a100-gpus", value: 10, reason: "test" }, acct.ownerId);
    if (!made.ok) throw new Error(made.message);
    const res = await callRoute(approveRoute.POST, {
      method: "POST",
      apiKey: operator.apiKey,
      params: { id: made.request.id },
      headers: { "content-type": "application/json" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe("GET /api/v1/usage?model=", () => {
  const usage = (model: string) => callRoute(usageRoute.GET, { apiKey: owner.apiKey, path: `/api/v1/usage?since=1h&model=${model}` });

  it("an unknown model is a 404 naming it, not an empty series", async () => {
    const res = await usage("nope");
    expectError(res, 404, "model_not_found");
    expect(res.body.error.message).toContain('"nope"');
    expect(res.body.error.param).toBe("model");
  });

  it("a catalogue model or one of the account's custom models is a series", async () => {
    expect((await usage("hr-small-8b")).status).toBe(200);
    const made = await callRoute(modelsRoute.POST, { method: "POST", apiKey: owner.apiKey, body: { name: "acme-usage", kind: "model" } });
    expect(made.status).toBe(201);
    const res = await usage("acme-usage");
    expect(res.status).toBe(200);
    expect(res.body.series.map((s: { model: string }) => s.model)).toEqual(["acme-usage"]);
    // Another account's custom model is not this account's.
    const other = await createAccountFixture();
    const theirs = await callRoute(usageRoute.GET, { apiKey: other.apiKey, path: "/api/v1/usage?model=acme-usage" });
    expectError(theirs, 404, "model_not_found");
  });
});

describe("custom model names", () => {
  it("a catalogue model's name is refused, so deployments of it stay the catalogue model", async () => {
    const acct = await createAccountFixture();
    const res = await callRoute(modelsRoute.POST, { method: "POST", apiKey: acct.apiKey, body: { name: "hr-small-8b", kind: "model" } });
    expectError(res, 409, "conflict");
    expect(res.body.error.param).toBe("name");
    expect(res.body.error.message).toMatch(/^name: .*hr-small-8b/);
    expect((await callRoute(modelsRoute.GET, { apiKey: acct.apiKey })).body.models).toEqual([]);
    const deployed = await callRoute(deploymentsRoute.POST, {
      method: "POST",
      apiKey: acct.apiKey,
      body: { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 },
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    expect(deployed.body.model).toBe("hr-small-8b");
  });
});

describe("members", () => {
  it("the join notification ends the account's name with one full stop", async () => {
    const invited = await callRoute(membersRoute.POST, {
      method: "POST",
      apiKey: owner.apiKey,
      body: { email: `joiner-${process.pid}@example.test` },
    });
    expect(invited.status).toBe(201);
    const token = new URL(invited.body.acceptUrl).pathname.split("/").pop()!;
    const accepted = await callRoute(acceptRoute.POST, { method: "POST", params: { token }, body: { password: "joiner-password" } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    const list = await callRoute(notificationsRoute.GET, { apiKey: owner.apiKey });
    const joined = list.body.notifications.find((n: { kind: string }) => n.kind === "member_joined");
    expect(joined.body).toMatch(/access to Demo Inc\.$/);
  });

  it("removing the last owner is a 409 without a param (the request has no body)", async () => {
    const acct = await createAccountFixture();
    const res = await callRoute(memberRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { userId: acct.ownerId } });
    expectError(res, 409, "conflict");
    expect(res.body.error.param).toBeUndefined();
    // Demoting the last owner names the body's field.
    const demote = await callRoute(memberRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { userId: acct.ownerId },
      body: { role: "member" },
    });
    expectError(demote, 409, "conflict");
    expect(demote.body.error.param).toBe("role");
  });
});
