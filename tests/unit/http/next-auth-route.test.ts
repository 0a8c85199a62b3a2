// lib/auth/next-auth-route.ts in front of next-auth's handler (here a stand-in that records what it
// is asked and answers like next-auth: a body and a Set-Cookie — a fresh CSRF cookie, a rolled session).
// HEAD is GET without the body and without GET's effects: no cookie is set, and an endpoint whose GET
// acts (the OAuth callback signs in) refuses HEAD. The HTTP-level twin: tests/integration/api/api-misses-http.test.ts.
import { describe, expect, it } from "vitest";
import { nextAuthRoute } from "@/lib/auth/next-auth-route";

const calls: { method: string; path: string }[] = [];
const nextAuth = nextAuthRoute(async (req) => {
  calls.push({ method: req.method, path: new URL(req.url).pathname });
  return new Response(JSON.stringify({ csrfToken: "t" }), {
    status: 200,
    headers: {
      "content-type": "application/json",
      "cache-control": "private, no-cache, no-store",
      "set-cookie": "next-auth.csrf-token=t|h; Path=/",
    },
  });
});

async function call(method: string, path: string) {
  calls.length = 0;
  const res = await nextAuth(new Request(`http://localhost${path}`, { method }), { params: Promise.resolve({}) });
  return { status: res.status, headers: res.headers, text: await res.text(), calls: [...calls] };
}

describe("HEAD on next-auth's endpoints", () => {
  it.each(["/api/auth/csrf", "/api/auth/session", "/api/auth/providers", "/api/auth/signin", "/api/auth/signin/github", "/api/auth/error"])(
    "%s: next-auth's GET, answered without its body or its cookies",
    async (path) => {
      const get = await call("GET", path);
      expect(get.calls).toEqual([{ method: "GET", path }]);
      expect(get.headers.get("set-cookie")).not.toBeNull();
      const head = await call("HEAD", path);
      expect(head.calls).toEqual([{ method: "GET", path }]);
      expect(head.status).toBe(get.status);
      expect(head.text).toBe("");
      expect(head.headers.get("content-type")).toBe("application/json");
      expect(head.headers.get("cache-control")).toBe("private, no-cache, no-store");
      // A HEAD changes nothing: no fresh CSRF cookie, no rolled session cookie.
      expect(head.headers.get("set-cookie")).toBeNull();
    },
  );

  it("the OAuth callback's GET signs in: HEAD is refused (405) and never reaches next-auth", async () => {
    const head = await call("HEAD", "/api/auth/callback/github");
    expect(head.calls).toEqual([]);
    expect(head.status).toBe(405);
    expect(head.headers.get("allow")).toBe("GET, OPTIONS, POST");
    expect(head.text).toBe("");
    const put = await call("PUT", "/api/auth/callback/github");
    expect(put.headers.get("allow")).toBe("GET, OPTIONS, POST");
    expect(JSON.parse(put.text).error.code).toBe("method_not_allowed");
  });

  it("an endpoint without GET refuses HEAD with its Allow; a path next-auth does not serve is a 404 — neither with a body", async () => {
    const log = await call("HEAD", "/api/auth/_log");
    expect([log.status, log.headers.get("allow"), log.text, log.calls]).toEqual([405, "OPTIONS, POST", "", []]);
    const miss = await call("HEAD", "/api/auth/nope");
    expect([miss.status, miss.text, miss.calls]).toEqual([404, "", []]);
  });
});

describe("a callback names its provider", () => {
  it.each(["GET", "POST"])("%s /api/auth/callback: 404 naming the path, never next-auth's plain-text 400", async (method) => {
    const res = await call(method, "/api/auth/callback");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(JSON.parse(res.text).error.message).toContain("/api/auth/callback");
    expect(res.calls).toEqual([]);
  });
});

describe("the credentials callback takes POST only", () => {
  it("GET and HEAD are 405 (next-auth itself answers GET with a 500), POST reaches next-auth", async () => {
    for (const method of ["GET", "HEAD", "PUT"]) {
      const res = await call(method, "/api/auth/callback/credentials");
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow"), method).toBe("OPTIONS, POST");
      expect(res.calls, method).toEqual([]);
    }
    expect((await call("POST", "/api/auth/callback/credentials")).calls).toEqual([
      { method: "POST", path: "/api/auth/callback/credentials" },
    ]);
  });
});
