// Every /api/* miss answers in the §7 shape over real HTTP, against the production build as `npm start`
// serves it: a path no route serves is a JSON 404 naming the path — under /api/session, /api/invitations,
// /api/auth (next-auth's catch-all included) and anywhere else under /api — and a method a route does not
// take is a JSON 405 with a true Allow header (OPTIONS: 204 with the same Allow). next-auth's own
// endpoints (csrf, providers, session, sign-in, callback, sign-out) and POST /api/auth/signup still work,
// and HEAD on them is GET without a body and without GET's cookies (lib/auth/next-auth-route.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, startServer, type RunningServer } from "../../security/server-harness";

const DEMO_KEY = "hr_ApiMissDemoKey7Qw3Er5Ty8Ui0Op2As4Df6Gh9J";
const PASSWORD = "correct-horse-battery-staple";
const run = Date.now().toString(36);

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ HEADROOM_DEMO_API_KEY: DEMO_KEY, HEADROOM_SIGNUPS_PER_IP_PER_HOUR: "100" });
}, 240_000);

afterAll(async () => {
  await server?.stop();
});

async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${server.url}${path}`, { method, headers: init.headers, body: init.body, redirect: "manual" });
  const text = await res.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, body };
}

type Answer = Awaited<ReturnType<typeof call>>;

function expectJsonError(res: Answer, status: number, code: string, what: string) {
  expect(res.status, `${what}: ${res.text.slice(0, 200)}`).toBe(status);
  expect(res.headers.get("content-type"), what).toContain("application/json");
  expect(res.headers.get("x-request-id"), what).toMatch(/^req_/);
  expect(res.body?.error, what).toEqual(expect.objectContaining({ code, type: expect.any(String), message: expect.any(String) }));
}

const WRITES = ["POST", "PUT", "PATCH", "DELETE"] as const;

describe("paths no route serves: JSON 404 naming the path, for every method", () => {
  it.each([
    "/api",
    "/api/nope",
    "/api/nope/deeper/still",
    "/api/session",
    "/api/session/nope",
    "/api/session/account/extra",
    "/api/invitations",
    "/api/invitations/hri_token/nope",
    "/api/invitations/hri_token/accept/extra",
    "/api/stripe",
    "/api/stripe/webhook/extra",
    "/api/health/extra",
    "/api/auth",
    "/api/auth/nope",
    "/api/auth/signup/extra",
    "/api/auth/session/extra",
    "/api/auth/csrf/extra",
    "/api/auth/callback/credentials/extra",
    "/api/auth/callback",
    // Still the catch-alls of their own (unchanged).
    "/api/v1/nope",
    "/api/operator/nope",
  ])("%s", async (path) => {
    for (const method of ["GET", ...WRITES]) {
      const res = await call(method, path, method === "GET" ? {} : { headers: { "content-type": "application/json" }, body: "{}" });
      expectJsonError(res, 404, "not_found", `${method} ${path}`);
      expect(res.body.error.message, `${method} ${path}`).toContain(path);
    }
  });
});

describe("methods a route does not take: JSON 405 with Allow; OPTIONS says the same", () => {
  it.each([
    ["GET", "/api/session/account", "OPTIONS, POST"],
    ["DELETE", "/api/session/accounts", "GET, HEAD, OPTIONS, POST"],
    ["POST", "/api/invitations/hri_token", "GET, HEAD, OPTIONS"],
    ["GET", "/api/invitations/hri_token/accept", "OPTIONS, POST"],
    ["GET", "/api/auth/signup", "OPTIONS, POST"],
    ["POST", "/api/health", "GET, HEAD, OPTIONS"],
    ["DELETE", "/api/metrics", "GET, HEAD, OPTIONS"],
    ["GET", "/api/stripe/webhook", "OPTIONS, POST"],
    // next-auth's endpoints, each with the methods next-auth itself handles.
    ["POST", "/api/auth/csrf", "GET, HEAD, OPTIONS"],
    ["POST", "/api/auth/providers", "GET, HEAD, OPTIONS"],
    ["PUT", "/api/auth/session", "GET, HEAD, OPTIONS, POST"],
    ["DELETE", "/api/auth/signout", "GET, HEAD, OPTIONS, POST"],
    ["PATCH", "/api/auth/callback/github", "GET, OPTIONS, POST"],
    // The credentials callback is the sign-in form's POST (next-auth answers its GET with a 500).
    ["GET", "/api/auth/callback/credentials", "OPTIONS, POST"],
    ["PATCH", "/api/auth/callback/credentials", "OPTIONS, POST"],
    ["GET", "/api/auth/_log", "OPTIONS, POST"],
  ])("%s %s → 405, Allow: %s", async (method, path, allow) => {
    const res = await call(method, path, method === "GET" ? {} : { headers: { "content-type": "application/json" }, body: "{}" });
    expectJsonError(res, 405, "method_not_allowed", `${method} ${path}`);
    expect(res.headers.get("allow")).toBe(allow);
    expect(res.body.error.message).toContain(path);
    const options = await call("OPTIONS", path);
    expect(options.status, `OPTIONS ${path}`).toBe(204);
    expect(options.headers.get("allow"), `OPTIONS ${path}`).toBe(allow);
  });
});

describe("the routes that exist keep working", () => {
  it("next-auth: csrf, providers, an empty session, the sign-in page redirect", async () => {
    const csrf = await call("GET", "/api/auth/csrf");
    expect(csrf.status).toBe(200);
    expect(csrf.body.csrfToken).toMatch(/^\w{32,}$/);
    const providers = await call("GET", "/api/auth/providers");
    expect(providers.status).toBe(200);
    expect(providers.body.credentials).toMatchObject({ id: "credentials", type: "credentials" });
    const session = await call("GET", "/api/auth/session");
    expect(session.status).toBe(200);
    expect(session.body).toEqual({});
    // HEAD as GET, without a body (Next serves HEAD with the GET handler) and without its cookie: a
    // GET without a CSRF cookie is given a fresh one, a HEAD is not.
    expect(csrf.headers.get("set-cookie")).toMatch(/next-auth\.csrf-token=/);
    const head = await call("HEAD", "/api/auth/csrf");
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    expect(head.headers.get("content-type")).toContain("application/json");
    expect(head.headers.get("set-cookie")).toBeNull();
    for (const path of ["/api/auth/session", "/api/auth/providers", "/api/auth/signout"]) {
      const res = await call("HEAD", path);
      expect([res.status, res.text, res.headers.get("set-cookie")], path).toEqual([200, "", null]);
    }
    const signinHead = await call("HEAD", "/api/auth/signin");
    expect([signinHead.status, signinHead.headers.get("set-cookie")]).toEqual([302, null]);
    expect(signinHead.headers.get("location")).toMatch(/\/signin\?callbackUrl=/);
    expect((await call("HEAD", "/api/auth/nope")).status).toBe(404);
    // The OAuth callback's GET signs in: HEAD is refused, not run.
    const callbackHead = await call("HEAD", "/api/auth/callback/github");
    expect([callbackHead.status, callbackHead.headers.get("allow"), callbackHead.text]).toEqual([405, "GET, OPTIONS, POST", ""]);
    const signin = await call("GET", "/api/auth/signin");
    expect(signin.status).toBe(302);
    expect(signin.headers.get("location")).toMatch(/\/signin\?callbackUrl=/);
  });

  it("sign up, sign in (credentials callback), session, sign out", async () => {
    const email = `api-miss-${run}@example.test`;
    const signup = await call("POST", "/api/auth/signup", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD, accountName: "Misses" }),
    });
    expect(signup.status, signup.text).toBe(201);

    const signedIn = await signIn(server.url, email, PASSWORD);
    expect(signedIn.ok, `sign-in: ${signedIn.error}`).toBe(true);
    const jar = signedIn.jar;
    const session = await call("GET", "/api/auth/session", { headers: { cookie: jar.header() } });
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe(email);
    // GET rolls the session cookie's expiry; HEAD leaves it as it is.
    expect(session.headers.get("set-cookie")).toMatch(/next-auth\.session-token=/);
    const sessionHead = await call("HEAD", "/api/auth/session", { headers: { cookie: jar.header() } });
    expect([sessionHead.status, sessionHead.text, sessionHead.headers.get("set-cookie")]).toEqual([200, "", null]);
    const accounts = await call("GET", "/api/session/accounts", { headers: { cookie: jar.header() } });
    expect(accounts.status).toBe(200);
    expect(accounts.body.accounts).toHaveLength(1);

    const csrf = await fetch(`${server.url}/api/auth/csrf`, { headers: { cookie: jar.header() } });
    jar.take(csrf);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const out = await fetch(`${server.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header(), origin: server.url },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${server.url}/`, json: "true" }),
    });
    expect(out.status).toBe(200);
    jar.take(out);
    expect(jar.get("next-auth.session-token")).toBeUndefined();
  });

  it("API key routes, health and metrics", async () => {
    const account = await call("GET", "/api/v1/account", { headers: { authorization: `Bearer ${DEMO_KEY}` } });
    expect(account.status).toBe(200);
    expect(account.body.name).toBeTypeOf("string");
    expect((await call("GET", "/api/health")).status).toBe(200);
    expect((await call("GET", "/api/metrics")).status).toBe(200);
    const invitation = await call("GET", "/api/invitations/hri_no_such_token");
    expectJsonError(invitation, 404, "not_found", "GET /api/invitations/{unknown}");
  });
});
