// Hostile input to every JSON route (discovered: handlers that call readJson) and every GET route's
// query string: fast-check bodies, content types and queries — never a 500, never a stack trace,
// SQL or file path in the response, never a ledger or audit write when the request is refused.
// Oversized bodies are refused with 413 before parsing (MAX_JSON_BODY_BYTES, in the README), with or
// without a Content-Length.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { MAX_JSON_BODY_BYTES } from "@/lib/http/json";
import { setupTestDatabase } from "../helpers/test-db";
import { discoverRoutes, fillPattern, type DiscoveredRoute } from "./discover";
import { hostileBody, hostileContentType, HOSTILE_NUMBERS, HOSTILE_STRINGS, leak, Pairs, PROTO_KEYS, Raw, toJsonText } from "./hostile";
import { ROUTES, type RouteEntry } from "./route-table";
import { buildWorld, SESSION_SECRET, sessionCookie, type World } from "./world";

process.env.NEXTAUTH_SECRET = SESSION_SECRET;
setupTestDatabase();

type RouteFn = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const routes = discoverRoutes().filter((r) => ROUTES[r.key] && !ROUTES[r.key]!.server && ROUTES[r.key]!.access !== "gateway");
// A file that calls readJson may export methods that take no body (DELETE next to PATCH): the table's `body` says which do.
const jsonRoutes = routes.filter((r) => r.readsJson && ROUTES[r.key]!.body);
const getRoutes = routes.filter((r) => r.method === "GET");
const RUNS = Number(process.env.HOSTILE_RUNS ?? 15);

let w: World;
/** The owner's browser session, for the routes that take no API key (/api/session/*). */
let ownerCookie = "";
const params = new Map<string, Record<string, string>>();
afterAll(() => w?.close());
beforeAll(async () => {
  w = await buildWorld();
  ownerCookie = await sessionCookie(w.owner.ownerId);
  for (const r of routes) params.set(r.key, (await ROUTES[r.key]!.params?.(w)) ?? {});
}, 60_000);

async function handlerOf(route: DiscoveredRoute): Promise<RouteFn> {
  return ((await import(/* @vite-ignore */ route.file)) as Record<string, RouteFn>)[route.method]!;
}

function keyFor(entry: RouteEntry): string | null {
  return entry.access === "operator" ? w.operator.apiKey : entry.access === "public" ? null : w.owner.apiKey;
}

async function send(
  route: DiscoveredRoute,
  opts: { body?: BodyInit | null; contentType?: string; query?: string; headers?: Record<string, string> },
): Promise<{ status: number; text: string }> {
  const entry = ROUTES[route.key]!;
  const p = params.get(route.key)!;
  const headers: Record<string, string> = { ...opts.headers };
  const key = keyFor(entry);
  if (entry.access === "user") Object.assign(headers, { cookie: ownerCookie, origin: "http://localhost", host: "localhost" });
  else if (key) headers.authorization = `Bearer ${key}`;
  if (opts.contentType !== undefined && opts.contentType !== "") headers["content-type"] = opts.contentType;
  const init: RequestInit & { duplex?: string } = { method: route.method, headers, body: opts.body ?? undefined };
  if (opts.body instanceof ReadableStream) init.duplex = "half";
  const req = new Request(`http://localhost${fillPattern(route.pattern, p)}${opts.query ?? ""}`, init);
  const res = await (await handlerOf(route))(req, { params: Promise.resolve(p) });
  return { status: res.status, text: await res.text() };
}

const writes = async () => [await db().ledgerEntry.count(), await db().auditLog.count()];

function check(route: DiscoveredRoute, res: { status: number; text: string }, input: string): void {
  expect(res.status, `${route.key} ← ${input.slice(0, 200)}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  expect(leak(res.text), `${route.key} ← ${input.slice(0, 200)}`).toBeNull();
  if (res.status >= 400) expect(JSON.parse(res.text).error.code, res.text).toEqual(expect.any(String));
}

describe("discovery", () => {
  it("finds the JSON routes", () => {
    expect(jsonRoutes.length).toBeGreaterThan(15);
    expect(jsonRoutes.map((r) => r.key)).toContain("PATCH /api/v1/quotas/[name]");
  });
});

describe("fast-check bodies and content types on every JSON route", () => {
  it.each(jsonRoutes.map((r) => [r.key, r] as const))("%s", async (_k, route) => {
    const valid = ROUTES[route.key]!.body?.(w) as Record<string, unknown> | undefined;
    await fc.assert(
      fc.asyncProperty(hostileBody(valid), hostileContentType, async (body, contentType) => {
        const before = await writes();
        const res = await send(route, { body, contentType });
        check(route, res, `${contentType} ${body}`);
        if (res.status >= 400) expect(await writes(), `${route.key} refused but wrote: ${body.slice(0, 200)}`).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("named hostile inputs on every JSON route", () => {
  it.each(jsonRoutes.map((r) => [r.key, r] as const))("%s", async (_k, route) => {
    const valid = (ROUTES[route.key]!.body?.(w) as Record<string, unknown> | undefined) ?? {};
    const fields = Object.keys(valid).length ? Object.keys(valid) : ["x"];
    const bodies: string[] = [];
    for (const field of fields) {
      for (const n of HOSTILE_NUMBERS) bodies.push(toJsonText({ ...valid, [field]: new Raw(n) }));
      for (const s of HOSTILE_STRINGS) bodies.push(toJsonText({ ...valid, [field]: s }));
      bodies.push(toJsonText(new Pairs([...Object.entries(valid), [field, new Raw("1e309")]])));
    }
    for (const k of PROTO_KEYS) bodies.push(toJsonText(new Pairs([...Object.entries(valid), [k, { polluted: true }]])));
    for (const body of bodies) {
      const before = await writes();
      const res = await send(route, { body, contentType: "application/json" });
      check(route, res, body);
      if (res.status >= 400) expect(await writes(), `${route.key} refused but wrote: ${body.slice(0, 200)}`).toEqual(before);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe("oversized bodies are refused early with 413", () => {
  const big = `{"name":"${"x".repeat(MAX_JSON_BODY_BYTES)}"}`;
  it.each(jsonRoutes.map((r) => [r.key, r] as const))("%s", async (_k, route) => {
    const before = await writes();
    const declared = await send(route, { body: big, contentType: "application/json" });
    expect(declared.status, declared.text).toBe(413);
    // No Content-Length (chunked): refused once the limit is crossed, not after reading everything.
    let pulled = 0;
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        if (pulled > 64 * MAX_JSON_BODY_BYTES) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await send(route, { body: endless, contentType: "application/json" });
    expect(streamed.status, streamed.text).toBe(413);
    expect(pulled).toBeLessThan(2 * MAX_JSON_BODY_BYTES);
    // A lying Content-Length is not trusted.
    const lying = await send(route, { body: big, contentType: "application/json", headers: { "content-length": "10" } });
    expect(lying.status).toBe(413);
    expect(JSON.parse(declared.text).error.code).toBe("payload_too_large");
    expect(await writes()).toEqual(before);
  });

  it("a body just under the limit is parsed (413 is about size, not content)", async () => {
    const route = jsonRoutes.find((r) => r.key === "POST /api/v1/api-keys")!;
    const body = `{"name":"padded"}${" ".repeat(MAX_JSON_BODY_BYTES - 20)}`;
    const res = await send(route, { body, contentType: "application/json" });
    expect(res.status, res.text).toBe(201);
  });
});

describe("query strings on every GET route", () => {
  const names = ["since", "granularity", "model", "limit", "before", "q", "status", "cursor", "page", "__proto__"];
  const value = fc.oneof(
    fc.constantFrom(
      ...HOSTILE_STRINGS.filter((s) => s.length < 1000 && s !== "\ud800"),
      ...HOSTILE_NUMBERS,
      "-1",
      "0",
      "1m",
      "9999d",
      "all",
    ),
    fc.string({ maxLength: 30 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)),
  );
  // Already percent-encoded: invalid UTF-8, a lone surrogate, NUL, CRLF, a stray "%".
  const rawValue = fc.constantFrom("%ED%A0%80", "%FF%FE", "%00", "%0D%0ASet-Cookie:%20a=b", "%", "%zz", "%C0%AF");
  it.each(getRoutes.map((r) => [r.key, r] as const))("%s", async (_k, route) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...names), fc.oneof(value.map(encodeURIComponent), rawValue)), { minLength: 1, maxLength: 4 }),
        async (pairs) => {
          const query = "?" + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join("&");
          const res = await send(route, { query });
          check(route, res, query);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
