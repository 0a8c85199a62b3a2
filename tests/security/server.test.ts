// Headroom as `npm start` runs it, over HTTP: security headers on console pages, every page × role
// (PAGES in route-table.ts; a page missing there fails), sign-in throttling, API keys shown once,
// CSRF on a real cookie session, and — after driving the main flows (sign-up, sign-in, keys,
// /v1 calls and errors) — no secret in anything the server printed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverPages, fillPattern } from "./discover";
import { expectedPageStatus, PAGES, type PageIds } from "./route-table";
import { signIn, startServer, type Jar, type RunningServer } from "./server-harness";
import type { Role } from "./world";

const DEMO_KEY = "hr_SecDemoKey7Qw3Er5Ty8Ui0Op2As4Df6Gh9Jk1Lm"; // hr_ + 40 base62
const DEMO_PASSWORD = "demo-password-for-the-security-suite";
const PASSWORD = "correct-horse-battery-staple";
const run = Date.now().toString(36);

let server: RunningServer;
const secrets = new Set<string>([DEMO_KEY, DEMO_PASSWORD, PASSWORD]);
const jars = new Map<Exclude<Role, "anonymous" | "revokedKey">, Jar>();
let ids: PageIds;

async function api(path: string, init: RequestInit & { jar?: Jar; key?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.jar) headers.set("cookie", init.jar.header());
  if (init.key) headers.set("authorization", `Bearer ${init.key}`);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  if (init.jar && init.method && init.method !== "GET" && !headers.has("origin")) headers.set("origin", server.url);
  const res = await fetch(`${server.url}${path}`, { ...init, headers, redirect: "manual" });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, body };
}

async function signUp(email: string, accountName: string) {
  const res = await api("/api/auth/signup", { method: "POST", body: JSON.stringify({ email, password: PASSWORD, accountName }) });
  expect(res.status, res.text).toBe(201);
  return res.body as { userId: string; accountId: string };
}

async function login(email: string, password = PASSWORD): Promise<Jar> {
  const r = await signIn(server.url, email, password);
  expect(r.ok, `sign-in of ${email}: ${r.error}`).toBe(true);
  secrets.add(r.jar.get("next-auth.session-token")!);
  return r.jar;
}

beforeAll(async () => {
  server = await startServer({
    HEADROOM_DEMO_API_KEY: DEMO_KEY,
    HEADROOM_DEMO_PASSWORD: DEMO_PASSWORD,
    HEADROOM_LOG_LEVEL: "debug",
    HEADROOM_SIM_TOKENS_PER_SECOND: "0",
    HEADROOM_SIM_FIRST_TOKEN_MS: "0",
  });
  const owner = await signUp(`owner-${run}@example.test`, "Target");
  await signUp(`other-${run}@example.test`, "Other");
  jars.set("owner", await login(`owner-${run}@example.test`));
  jars.set("otherOwner", await login(`other-${run}@example.test`));
  const invited = await api("/api/v1/members", {
    method: "POST",
    jar: jars.get("owner"),
    body: JSON.stringify({ email: `member-${run}@example.test` }),
  });
  expect(invited.status, invited.text).toBe(201);
  const accepted = await api(`${new URL(invited.body.acceptUrl).pathname.replace("/invite/", "/api/invitations/")}/accept`, {
    method: "POST",
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(accepted.status, accepted.text).toBe(201);
  jars.set("member", await login(`member-${run}@example.test`));
  jars.set("operator", await login("operator@headroom.local", DEMO_PASSWORD));
  const deployment = await api("/api/v1/deployments", {
    method: "POST",
    jar: jars.get("owner"),
    body: JSON.stringify({ model: "hr-small-8b", gpuType: "A100", gpuCount: 1 }),
  });
  ids = { accountId: owner.accountId, deploymentId: deployment.body?.id ?? "none", invoiceId: null };
}, 240_000);

afterAll(async () => {
  await server?.stop();
});

describe("security headers on console pages", () => {
  it.each(["/signin", "/signup", "/", "/no-such-page"])("%s", async (path) => {
    const res = await api(path, { jar: jars.get("owner") });
    expect(res.status).toBeLessThan(500);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/base-uri 'self'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("API responses are JSON with nosniff-safe content types and no framework banner", async () => {
    const res = await api("/api/v1/account", { key: DEMO_KEY });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });
});

describe("console pages × roles", () => {
  const pages = discoverPages();

  it("every page has an entry in PAGES (tests/security/route-table.ts)", () => {
    const missing = pages.map((p) => p.pattern).filter((p) => !PAGES[p]);
    expect(missing, `add these to PAGES:\n${missing.join("\n")}`).toEqual([]);
    expect(Object.keys(PAGES).filter((p) => !pages.some((d) => d.pattern === p))).toEqual([]);
  });

  it.each(pages.map((p) => [p.pattern] as const))("%s", async (pattern) => {
    const entry = PAGES[pattern];
    if (!entry) return; // reported above
    const path = fillPattern(pattern, entry.params?.(ids) ?? {});
    const problems: string[] = [];
    for (const role of ["anonymous", "member", "otherOwner", "owner", "operator"] as const) {
      const res = await api(path, { jar: role === "anonymous" ? undefined : jars.get(role) });
      const want = expectedPageStatus(entry, role);
      if (res.status !== want) problems.push(`${role}: got ${res.status}, want ${want}`);
      const to = res.headers.get("location") ?? "";
      if (want === 307 && role === "anonymous" && !/\/signin/.test(to)) problems.push(`${role}: sent to ${to}, not /signin`);
      if (want === 307 && role === "operator" && !/\/operator/.test(to)) problems.push(`${role}: sent to ${to}, not /operator`);
      if (entry.access !== "operator" && role === "otherOwner" && (res.text.includes(ids.deploymentId) || res.text.includes(ids.accountId)))
        problems.push(`${role}: the page shows the target account's data`);
    }
    expect(problems).toEqual([]);
  });
});

describe("sessions and secrets", () => {
  it("repeated bad sign-ins lock the e-mail, even for the right password", async () => {
    const email = `locked-${run}@example.test`;
    await signUp(email, "Locked");
    for (let i = 0; i < 5; i++) {
      const bad = await signIn(server.url, email, `wrong-password-${i}`);
      expect(bad.ok).toBe(false);
    }
    const right = await signIn(server.url, email, PASSWORD);
    expect(right.ok).toBe(false);
    expect(right.error ?? "").toMatch(/too many/i);
    // Other users are not locked out by it.
    expect((await signIn(server.url, `owner-${run}@example.test`, PASSWORD)).ok).toBe(true);
  });

  it("an API key is shown once (at creation), listed without its secret, and stops working when revoked", async () => {
    const created = await api("/api/v1/api-keys", { method: "POST", jar: jars.get("owner"), body: JSON.stringify({ name: "once" }) });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    secrets.add(secret);
    expect(secret).toMatch(/^hr_[0-9A-Za-z]{40}$/);
    const list = await api("/api/v1/api-keys", { jar: jars.get("owner") });
    expect(list.text).not.toContain(secret);
    expect(list.text).toContain(created.body.prefix);
    const chat = await api("/v1/chat/completions", {
      method: "POST",
      key: secret,
      body: JSON.stringify({ model: "hr-small-8b", messages: [{ role: "user", content: "hi" }], max_tokens: 4 }),
    });
    expect(chat.status).toBe(200);
    expect((await api(`/api/v1/api-keys/${created.body.id}`, { method: "DELETE", jar: jars.get("owner") })).status).toBe(200);
    // Revocation is effective on every instance (and entry point) within 1 s (README): the fast path caches keys for 1 s.
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 3_000) {
      status = (await api("/v1/models", { key: secret })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1_500);
  });

  it("a cookie session cannot write cross-site (CSRF) but can from its own origin", async () => {
    const body = JSON.stringify({ name: "csrf" });
    for (const origin of ["https://evil.example", "null"]) {
      const res = await api("/api/v1/api-keys", { method: "POST", jar: jars.get("owner"), body, headers: { origin } });
      expect(res.status).toBe(403);
    }
    const noOrigin = await fetch(`${server.url}/api/v1/api-keys`, {
      method: "POST",
      headers: { cookie: jars.get("owner")!.header(), "content-type": "application/json" },
      body,
    });
    expect(noOrigin.status).toBe(403);
    const same = await api("/api/v1/api-keys", { method: "POST", jar: jars.get("owner"), body });
    expect(same.status).toBe(201);
    secrets.add(same.body.secret);
  });

  it("the main flows print no secret: the demo key, created keys, passwords, session tokens", async () => {
    const chat = { model: "hr-small-8b", messages: [{ role: "user", content: "hello" }], max_tokens: 8 };
    const calls: [string, RequestInit & { key?: string }][] = [
      ["/v1/chat/completions", { method: "POST", key: DEMO_KEY, body: JSON.stringify(chat) }],
      ["/v1/chat/completions", { method: "POST", key: DEMO_KEY, body: JSON.stringify({ ...chat, stream: true }) }],
      ["/v1/completions", { method: "POST", key: DEMO_KEY, body: JSON.stringify({ model: "hr-small-8b", prompt: "x", max_tokens: 2 }) }],
      ["/v1/chat/completions", { method: "POST", key: DEMO_KEY, body: "{broken" }],
      ["/v1/chat/completions", { method: "POST", key: DEMO_KEY, body: JSON.stringify({ ...chat, model: "nope" }) }],
      ["/v1/chat/completions", { method: "POST", key: DEMO_KEY, body: JSON.stringify({ ...chat, n: -1 }) }],
      ["/v1/chat/completions", { method: "POST", key: DEMO_KEY.slice(0, -1) + "Z", body: JSON.stringify(chat) }],
      ["/v1/models", { key: DEMO_KEY }],
      ["/api/v1/account", { key: DEMO_KEY }],
      ["/api/v1/api-keys", { key: DEMO_KEY }],
      ["/api/v1/usage?since=1h", { key: DEMO_KEY }],
      ["/api/v1/quotas/monthly-spend-usd", { method: "PATCH", key: DEMO_KEY, body: JSON.stringify({ value: "-1" }) }],
      ["/api/operator/accounts", { key: DEMO_KEY }],
    ];
    for (const [path, init] of calls) {
      const res = await api(path, init);
      expect(res.status, `${path}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
    }
    const bad = await signIn(server.url, `owner-${run}@example.test`, "not-the-password-but-close");
    expect(bad.ok).toBe(false);
    secrets.add("not-the-password-but-close");
    // Let buffered output arrive.
    await new Promise((r) => setTimeout(r, 500));
    const output = server.output();
    expect(output.length).toBeGreaterThan(100);
    const leaked = [...secrets].filter((s) => output.includes(s));
    const nearly = output.includes(DEMO_KEY.slice(0, -1)); // the wrong key we sent shares all but the last character
    expect(leaked.map((s) => `${s.slice(0, 6)}…`)).toEqual([]);
    expect(nearly).toBe(false);
  });
});

describe("the caller's address", () => {
  // Runs last: it uses up this server's sign-ups for 127.0.0.1.
  it("comes from the connection: forged X-Forwarded-For or x-headroom-client-ip do not escape the sign-up cap", async () => {
    const forged = (i: number) => ({
      "x-forwarded-for": `198.51.100.${i}`,
      "x-headroom-client-ip": `203.0.113.${i}`,
      "x-real-ip": `192.0.2.${i}`,
    });
    const attempt = (i: number) =>
      api("/api/auth/signup", {
        method: "POST",
        headers: forged(i),
        body: JSON.stringify({ email: `forged-${i}-${run}@example.test`, password: PASSWORD, accountName: `Forged ${i}` }),
      });
    // The default cap is 5 accounts per address per hour, and this server has already made some. If
    // a forged header counted, each attempt would be a fresh address and all six would succeed.
    let refused: Awaited<ReturnType<typeof attempt>> | null = null;
    for (let i = 0; i < 6 && !refused; i++) {
      const res = await attempt(i);
      if (res.status === 429) refused = res;
      else expect(res.status, res.text).toBe(201);
    }
    expect(refused, "six sign-ups with forged addresses all succeeded").not.toBeNull();
    expect(refused!.body.error.message).toMatch(/accounts have been created from your address/);
    expect(refused!.body.error).toMatchObject({ code: "too_many_attempts" });
  });
});
