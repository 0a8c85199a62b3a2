// Every route under /api/v1 and /api/operator — and the console's own JSON routes: sign-up, the
// session's accounts, accepting an invitation — every method it serves, refuses bad input in the §7
// shape and says what is wrong: malformed JSON, an unknown field, a field of the wrong type and an
// empty body where fields are required are a 400 `invalid_request_error` whose `param` and message
// name the field; a body that is not JSON (Content-Type) is a 415 `unsupported_media_type` — never a
// 500, a stack trace or an HTML page. A body that may be left out can be (empty, or `{}`); a route that
// takes no body still refuses one with fields in it. GET routes name a bad query parameter the same way.
//
// INPUTS has an entry per method each route file serves (its `export const GET/POST/… =`); the route
// files are discovered from app/api, so one added without an entry fails here. Valid bodies and path
// params come from the security suite's route table (tests/security/route-table.ts).
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { callRoute } from "../../helpers/routes";
import { discoverRoutes, fillPattern, type DiscoveredRoute } from "../../security/discover";
import { ROUTES } from "../../security/route-table";
import { buildWorld, SESSION_SECRET, sessionCookie, type World } from "../../security/world";

setupTestDatabase();
process.env.NEXTAUTH_SECRET = SESSION_SECRET;

type RouteFn = Parameters<typeof callRoute>[0];

type Input =
  /** Takes a JSON body. `empty`: what an empty body is refused for — the first required field, or a message (no one field) — or "accepted" (every field optional); `wrongType`: a field and a value of the wrong type. */
  | { body: { empty: string | RegExp | "accepted"; wrongType: [field: string, value: unknown] } }
  /** Takes no body: an empty one or `{}` is accepted, one with fields is refused. */
  | { body: "none" }
  /** GET: query parameters and a bad value of each (none: the route takes no query). */
  | { query: Record<string, string> };

const INPUTS: Record<string, Input> = {
  "GET /api/v1/account": { query: {} },
  "GET /api/v1/api-keys": { query: {} },
  "POST /api/v1/api-keys": { body: { empty: "accepted", wrongType: ["name", 42] } },
  "DELETE /api/v1/api-keys/[id]": { body: "none" },
  "GET /api/v1/auto-top-up": { query: {} },
  "PUT /api/v1/auto-top-up": { body: { empty: "enabled", wrongType: ["enabled", "yes"] } },
  "POST /api/v1/credits/checkout": { body: { empty: "amountUsd", wrongType: ["amountUsd", true] } },
  "GET /api/v1/deployments": { query: {} },
  "POST /api/v1/deployments": { body: { empty: "model", wrongType: ["gpuCount", "two"] } },
  "GET /api/v1/deployments/[id]": { query: {} },
  "PATCH /api/v1/deployments/[id]": { body: { empty: /gpuCount.*action/, wrongType: ["gpuCount", "two"] } },
  "DELETE /api/v1/deployments/[id]": { body: "none" },
  "GET /api/v1/fine-tuning-jobs": { query: {} },
  "POST /api/v1/fine-tuning-jobs": { body: { empty: "baseModel", wrongType: ["epochs", "1"] } },
  "GET /api/v1/fine-tuning-jobs/[id]": { query: {} },
  "POST /api/v1/fine-tuning-jobs/[id]/cancel": { body: "none" },
  "POST /api/v1/fine-tuning-jobs/[id]/resume": { body: "none" },
  "GET /api/v1/invoices": { query: {} },
  "GET /api/v1/invoices/[id]": { query: {} },
  "POST /api/v1/invoices/[id]/pay": { body: "none" },
  "GET /api/v1/members": { query: {} },
  "POST /api/v1/members": { body: { empty: "email", wrongType: ["email", 5] } },
  "PATCH /api/v1/members/[userId]": { body: { empty: "role", wrongType: ["role", 1] } },
  "DELETE /api/v1/members/[userId]": { body: "none" },
  "DELETE /api/v1/members/invitations/[id]": { body: "none" },
  "GET /api/v1/models": { query: {} },
  "POST /api/v1/models": { body: { empty: "name", wrongType: ["kind", 3] } },
  "DELETE /api/v1/models/[id]": { body: "none" },
  "GET /api/v1/notifications": { query: { limit: "many", before: "yesterday" } },
  "GET /api/v1/payment-methods": { query: {} },
  "DELETE /api/v1/payment-methods/[id]": { body: "none" },
  "POST /api/v1/payment-methods/setup": { body: "none" },
  "GET /api/v1/quota-requests": { query: {} },
  "POST /api/v1/quota-requests": { body: { empty: "quota", wrongType: ["value", "10"] } },
  "GET /api/v1/quotas": { query: {} },
  "PATCH /api/v1/quotas/[name]": { body: { empty: "value", wrongType: ["value", true] } },
  "GET /api/v1/rate-limits": { query: {} },
  "GET /api/v1/usage": { query: { since: "forever", granularity: "week" } },

  "POST /api/auth/signup": { body: { empty: "email", wrongType: ["accountName", 7] } },
  "GET /api/invitations/[token]": { query: {} },
  // A new user's invitation: the password is required (by the route, not the schema).
  "POST /api/invitations/[token]/accept": { body: { empty: "password", wrongType: ["password", 12345678] } },
  "GET /api/session/accounts": { query: {} },
  "POST /api/session/accounts": { body: { empty: "accountName", wrongType: ["accountName", 7] } },
  "POST /api/session/account": { body: { empty: "accountId", wrongType: ["accountId", 7] } },

  "GET /api/operator/accounts": { query: {} },
  "GET /api/operator/accounts/[id]": { query: {} },
  "GET /api/operator/accounts/[id]/purchases": { query: {} },
  "GET /api/operator/accounts/[id]/quotas": { query: {} },
  "PUT /api/operator/accounts/[id]/quotas/[name]": { body: { empty: "value", wrongType: ["value", "12"] } },
  "POST /api/operator/accounts/[id]/refunds": { body: { empty: "purchaseId", wrongType: ["purchaseId", 5] } },
  "POST /api/operator/accounts/[id]/suspend": { body: { empty: "reason", wrongType: ["reason", 5] } },
  "POST /api/operator/accounts/[id]/tier": { body: { empty: "tier", wrongType: ["tier", 5] } },
  "POST /api/operator/accounts/[id]/unsuspend": { body: { empty: "accepted", wrongType: ["note", 5] } },
  "POST /api/operator/jobs/[job]": { body: { empty: "accepted", wrongType: ["at", 5] } },
  "GET /api/operator/policies": { query: {} },
  "PUT /api/operator/policies/[model]": { body: { empty: "policy", wrongType: ["policy", "fast"] } },
  "POST /api/operator/policies/preview": { body: { empty: "policy", wrongType: ["minutes", "5"] } },
  "GET /api/operator/quota-requests": { query: { status: "bogus" } },
  "POST /api/operator/quota-requests/[id]/approve": { body: { empty: "accepted", wrongType: ["note", 5] } },
  "POST /api/operator/quota-requests/[id]/deny": { body: { empty: "reason", wrongType: ["reason", 5] } },
};

/** The methods a route file serves itself (`export const POST = …`), not its 405s. */
function servedMethods(file: string): Set<string> {
  return new Set([...fs.readFileSync(file, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!));
}

const routes = discoverRoutes().filter(
  (r) =>
    /^\/api\/(v1\/|operator\/|session\/|invitations\/|auth\/signup$)/.test(r.pattern) &&
    !r.pattern.includes("...") &&
    servedMethods(r.file).has(r.method),
);

let w: World;
let ownerCookie: string;
afterAll(() => w?.close());
beforeAll(async () => {
  w = await buildWorld();
  ownerCookie = await sessionCookie(w.owner.ownerId);
}, 60_000);

/** The credential of an allowed caller: the operator's key, the owner's session (same-origin), nothing on public routes, else the owner's key. */
function caller(access: string | undefined): { apiKey?: string; headers: Record<string, string> } {
  if (access === "operator") return { apiKey: w.operator.apiKey, headers: {} };
  if (access === "user") return { headers: { cookie: ownerCookie, origin: "http://localhost", host: "localhost" } };
  if (access === "public") return { headers: {} };
  return { apiKey: w.owner.apiKey, headers: {} };
}

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/**
 * Calls the route as an allowed caller (the owner's key, or the operator's on operator routes) with
 * fresh path params; `body` may be built from the route's valid one (made after the params it may name).
 */
async function send(
  route: DiscoveredRoute,
  opts: { body?: string | ((valid: Record<string, unknown>) => unknown); contentType?: string; query?: string } = {},
): Promise<Answer> {
  const entry = ROUTES[route.key];
  if (!entry) throw new Error(`${route.key} is missing from tests/security/route-table.ts`);
  const params = (await entry.params?.(w)) ?? {};
  const valid = ((await entry.body?.(w)) as Record<string, unknown> | undefined) ?? {};
  const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, RouteFn>;
  const { apiKey, headers } = caller(entry.access);
  return callRoute(mod[route.method]!, {
    method: route.method,
    path: `${fillPattern(route.pattern, params)}${opts.query ?? entry.query ?? ""}`,
    apiKey,
    params,
    body: typeof opts.body === "function" ? JSON.stringify(opts.body(valid)) : opts.body,
    headers: opts.contentType === undefined ? headers : { ...headers, "content-type": opts.contentType },
  });
}

function expectRefused(res: Answer, status: number, code: string, what: string): void {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
  expect(res.headers.get("content-type"), what).toContain("application/json");
  expect(res.headers.get("x-request-id"), what).toMatch(/^req_/);
  expect(res.body?.error, what).toEqual(expect.objectContaining({ code, type: "invalid_request_error", message: expect.any(String) }));
}

function expectNamed(res: Answer, field: string, what: string): void {
  expectRefused(res, 400, "invalid_request_error", what);
  expect(res.body.error.param, what).toBe(field);
  expect(res.body.error.message, what).toMatch(new RegExp(`^${field.replace(/\./g, "\\.")}: `));
}

function expectAccepted(res: Answer, what: string): void {
  // Past the body: whatever the route then answers (201, or a 409 for the state it finds), not a 4xx about the input.
  expect([400, 413, 415].includes(res.status) || res.status >= 500, `${what}: ${res.status} ${JSON.stringify(res.body)}`).toBe(false);
}

describe("the table", () => {
  it("has an entry for every method every such route serves, and no other", () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.map((r) => r.key).sort()).toEqual(Object.keys(INPUTS).sort());
  });
});

const bodyRoutes = routes.filter((r) => "body" in INPUTS[r.key]!);
const queryRoutes = routes.filter((r) => "query" in INPUTS[r.key]!);

describe("a route that takes a body", () => {
  it.each(bodyRoutes.map((r) => [r.key, r] as const))("%s", async (key, route) => {
    const input = INPUTS[key] as Extract<Input, { body: unknown }>;
    const json = "application/json";
    const valid = (body: Record<string, unknown>) => (input.body === "none" ? {} : body);

    const malformed = await send(route, { body: '{"a": ', contentType: json });
    expectRefused(malformed, 400, "invalid_request_error", "malformed JSON");
    expect(malformed.body.error.message).toMatch(/not valid JSON/);

    const form = await send(route, { body: valid, contentType: "text/plain" });
    expectRefused(form, 415, "unsupported_media_type", "a JSON body sent as text/plain");
    expect(form.body.error.message).toMatch(/Content-Type: application\/json/);

    const unknown = await send(route, { body: (b) => ({ ...valid(b), unknownField: 1 }), contentType: json });
    expectNamed(unknown, "unknownField", "an unknown field");

    if (input.body === "none") {
      expectAccepted(await send(route, { body: "", contentType: json }), "an empty body");
      expectAccepted(await send(route, { body: "{}", contentType: json }), "{}");
      return;
    }
    const [field, value] = input.body.wrongType;
    expectNamed(
      await send(route, { body: (b) => ({ ...b, [field]: value }), contentType: json }),
      field,
      `${field}: ${JSON.stringify(value)}`,
    );

    // An empty body reads as `{}`: accepted where every field is optional, else the first missing field is named.
    for (const contentType of [json, undefined]) {
      const empty = await send(route, { body: "", contentType });
      const what = `an empty body (${contentType ?? "no Content-Type"})`;
      if (input.body.empty === "accepted") expectAccepted(empty, what);
      else if (typeof input.body.empty === "string") expectNamed(empty, input.body.empty, what);
      else {
        expectRefused(empty, 400, "invalid_request_error", what);
        expect(empty.body.error.message, what).toMatch(input.body.empty);
      }
    }
  });
});

describe("a GET route", () => {
  it.each(queryRoutes.map((r) => [r.key, r] as const))("%s", async (key, route) => {
    const { query } = INPUTS[key] as Extract<Input, { query: unknown }>;
    for (const [param, value] of Object.entries(query)) {
      expectNamed(await send(route, { query: `?${param}=${encodeURIComponent(value)}` }), param, `?${param}=${value}`);
    }
    // Its answer to a good call is JSON, not a page.
    const ok = await send(route);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.headers.get("content-type")).toContain("application/json");
  });
});

describe("a nested object", () => {
  it("names its unknown field with the path to it", async () => {
    const route = routes.find((r) => r.key === "PUT /api/operator/policies/[model]")!;
    const res = await send(route, {
      body: (b) => ({ ...b, policy: { ...(b.policy as object), baseRPM: 100 } }),
      contentType: "application/json",
    });
    expectNamed(res, "policy.baseRPM", "policy.baseRPM");
  });
});
