// Authorization matrix: every route × every kind of caller (anonymous, member, owner of another
// account, owner, operator, revoked key), through both credentials (session cookie and API key),
// against the expectation derived from route-table.ts. Routes are discovered from app/**/route.ts:
// one missing from the table fails the suite. Another account's ids in paths are 404, never 200,
// and no response to another account's caller contains the target account's ids or anyone's secret.
// Every cookie-authenticated write without a matching Origin is refused (CSRF).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase } from "../helpers/test-db";
import { callRoute } from "../helpers/routes";
import { discoverRoutes, fillPattern, isWrite, type DiscoveredRoute } from "./discover";
import { expectedStatus, ROUTES, type RouteEntry } from "./route-table";
import { buildWorld, make, ROLES, SESSION_SECRET, sessionCookie, type Role, type World } from "./world";

process.env.NEXTAUTH_SECRET = SESSION_SECRET;
setupTestDatabase();

type RouteFn = Parameters<typeof callRoute>[0];
type Via = "api_key" | "session" | "none";

const discovered = discoverRoutes();
const callable = discovered.filter((r) => ROUTES[r.key] && !ROUTES[r.key]!.server);

let w: World;
const cookies = new Map<string, string>();
afterAll(() => w?.close());
beforeAll(async () => {
  w = await buildWorld();
  for (const [role, userId] of [
    ["member", w.member.userId],
    ["otherOwner", w.other.ownerId],
    ["owner", w.owner.ownerId],
    ["operator", w.operator.ownerId],
  ] as const) {
    cookies.set(role, await sessionCookie(userId));
  }
}, 60_000);

async function handlerOf(route: DiscoveredRoute): Promise<RouteFn> {
  const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, RouteFn | undefined>;
  const fn = mod[route.method];
  if (typeof fn !== "function") throw new Error(`${route.file} does not export ${route.method}`);
  return fn;
}

function credentials(role: Role, via: Via): Record<string, string> {
  if (via === "none") return {};
  if (via === "session") return { cookie: cookies.get(role)! };
  const key = {
    member: w.member.apiKey,
    otherOwner: w.other.apiKey,
    owner: w.owner.apiKey,
    operator: w.operator.apiKey,
    revokedKey: w.revokedKey,
  }[role as Exclude<Role, "anonymous">];
  return { authorization: `Bearer ${key}` };
}

/** Path params for a call: fresh resources for a caller who may succeed (and change them), else one shared set. */
const sharedParams = new Map<string, Record<string, string>>();
async function paramsFor(route: DiscoveredRoute, entry: RouteEntry, fresh: boolean): Promise<Record<string, string>> {
  if (!entry.params) return {};
  if (fresh) return entry.params(w);
  if (!sharedParams.has(route.key)) sharedParams.set(route.key, await entry.params(w));
  return sharedParams.get(route.key)!;
}

async function call(
  route: DiscoveredRoute,
  entry: RouteEntry,
  role: Role,
  via: Via,
  extra: Record<string, string> = {},
  given?: Record<string, string>,
) {
  const want = entry.access === "gateway" && via === "session" ? 401 : expectedStatus(entry, role, via);
  if (want < 300) await entry.setup?.(w);
  const params = given ?? (await paramsFor(route, entry, want < 300));
  const headers: Record<string, string> = { host: "localhost", ...credentials(role, via), ...extra };
  if (via === "session" && isWrite(route.method) && !("origin" in extra)) headers.origin = "http://localhost";
  if (headers.origin === "") delete headers.origin; // {origin: ""}: send none at all
  const body = entry.body?.(w);
  const res = await callRoute(await handlerOf(route), {
    method: route.method,
    path: fillPattern(route.pattern, params) + (entry.query ?? ""),
    params,
    headers,
    body,
  });
  return { ...res, want, params, text: typeof res.body === "string" ? res.body : JSON.stringify(res.body) };
}

const viasFor = (role: Role): Via[] => (role === "anonymous" ? ["none"] : role === "revokedKey" ? ["api_key"] : ["api_key", "session"]);

describe("route discovery", () => {
  it("finds the app's routes and every route/method has an entry in the table", () => {
    expect(discovered.length).toBeGreaterThan(20);
    const missing = discovered.filter((r) => !ROUTES[r.key]).map((r) => r.key);
    expect(missing, `add these to tests/security/route-table.ts ROUTES:\n${missing.join("\n")}`).toEqual([]);
  });

  it("has no stale entries (every table entry names a route that exists)", () => {
    const keys = new Set(discovered.map((r) => r.key));
    expect(Object.keys(ROUTES).filter((k) => !keys.has(k))).toEqual([]);
  });

  it("discovers the methods the modules really export", async () => {
    for (const route of discovered.filter((r) => !ROUTES[r.key]?.server)) await handlerOf(route);
  });
});

describe("authorization matrix", () => {
  it.each(callable.map((r) => [r.key, r] as const))("%s", async (_key, route) => {
    const entry = ROUTES[route.key]!;
    const secrets = [w.owner.apiKey, w.member.apiKey, w.other.apiKey, w.operator.apiKey, w.revokedKey];
    const problems: string[] = [];
    for (const role of ROLES) {
      for (const via of viasFor(role)) {
        // The enforcing API takes API keys only: a console cookie is not a credential there (call() expects 401).
        const res = await call(route, entry, role, via);
        if (res.status !== res.want) problems.push(`${role} via ${via}: got ${res.status}, want ${res.want}: ${res.text.slice(0, 200)}`);
        // Error bodies are in the §7 shape with a request id.
        if (!entry.plain && res.status >= 400 && !res.body?.error?.code)
          problems.push(`${role} via ${via}: error without the §7 shape: ${res.text.slice(0, 200)}`);
        if (!entry.plain && !res.headers.get("x-request-id")) problems.push(`${role} via ${via}: no x-request-id`);
        for (const secret of secrets)
          if (res.text.includes(secret)) problems.push(`${role} via ${via}: response contains an API key secret`);
        if (/passwordHash|\$argon2/.test(res.text)) problems.push(`${role} via ${via}: response contains a password hash`);
        // Another account's caller never sees the target account's ids.
        if ((role === "otherOwner" || (role === "operator" && entry.access !== "operator")) && entry.access !== "public") {
          const named = entry.scoped === false ? [] : Object.values(res.params);
          for (const id of [w.owner.accountId, w.invoiceId, ...named]) {
            if (id && id.length > 8 && res.text.includes(id)) problems.push(`${role} via ${via}: response names the target's id ${id}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("CSRF: cookie-authenticated writes need a matching Origin", () => {
  const writes = callable.filter((r) => isWrite(r.method) && ["member", "owner", "operator", "user"].includes(ROUTES[r.key]!.access));

  it("covers every session-authenticated write", () => {
    expect(writes.length).toBeGreaterThan(15);
  });

  it.each(writes.map((r) => [r.key, r] as const))("%s", async (_key, route) => {
    const entry = ROUTES[route.key]!;
    const role: Role = entry.access === "operator" ? "operator" : "owner";
    const counts = async () => [await db().ledgerEntry.count(), await db().auditLog.count(), await db().apiKey.count()];
    await entry.setup?.(w);
    const params = await paramsFor(route, entry, true);
    const before = await counts();
    for (const origin of [undefined, "https://evil.example", "http://localhost.evil.example", "null"]) {
      const res = await call(route, entry, role, "session", origin === undefined ? { origin: "" } : { origin }, params);
      expect(res.status, `origin ${origin}: ${res.text}`).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    expect(await counts()).toEqual(before);
  });

  it("an API key needs no Origin (it is not ambient)", async () => {
    const route = callable.find((r) => r.key === "POST /api/v1/api-keys")!;
    const res = await call(route, ROUTES[route.key]!, "owner", "api_key", { origin: "https://evil.example" });
    expect(res.status).toBe(201);
  });
});

describe("ids in bodies", () => {
  it("a LoRA cannot be based on another account's custom model", async () => {
    const theirs = await make.customModel(w.owner.accountId);
    const route = discovered.find((r) => r.key === "POST /api/v1/models")!;
    const res = await callRoute(await handlerOf(route), {
      method: "POST",
      apiKey: w.other.apiKey,
      body: { name: "stolen-base", kind: "lora", baseModel: theirs.name },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe("baseModel");
  });

  it("a member's key cannot revoke the owner's key, another account's owner cannot revoke it at all", async () => {
    const route = discovered.find((r) => r.key === "DELETE /api/v1/api-keys/[id]")!;
    const handler = await handlerOf(route);
    const id = await make.apiKey(w.owner.accountId, w.owner.ownerId);
    expect((await callRoute(handler, { method: "DELETE", apiKey: w.member.apiKey, params: { id } })).status).toBe(403);
    expect((await callRoute(handler, { method: "DELETE", apiKey: w.other.apiKey, params: { id } })).status).toBe(404);
    expect(await db().apiKey.findUniqueOrThrow({ where: { id }, select: { revokedAt: true } })).toEqual({ revokedAt: null });
  });
});
