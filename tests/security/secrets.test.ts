// Secrets at rest and sign-in throttling: API keys are shown once and stored only as a SHA-256 hash
// (plus a 12-character lookup prefix), passwords only as argon2id hashes; neither appears in any
// API response or audit row. Repeated bad sign-ins lock the e-mail (whatever the IP) and the IP
// (whatever the e-mail). Names with RTL marks and emoji round-trip; NUL is refused, naming the field.
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP, recordLoginAttempt } from "@/lib/auth/login-throttle";
import { verifyCredentials } from "@/lib/auth/verify-credentials";
import { setupTestDatabase } from "../helpers/test-db";
import { createAccountFixture, type AccountFixture } from "../helpers/fixtures";
import { callRoute } from "../helpers/routes";
import * as apiKeys from "@/app/api/v1/api-keys/route";
import * as members from "@/app/api/v1/members/route";
import * as signup from "@/app/api/auth/signup/route";

setupTestDatabase();

let acct: AccountFixture;
beforeAll(async () => {
  acct = await createAccountFixture();
});

describe("API keys at rest", () => {
  it("the secret is returned once and stored only as its SHA-256 hash", async () => {
    const created = await callRoute(apiKeys.POST, { method: "POST", apiKey: acct.apiKey, body: { name: "at-rest" } });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.hash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(row.prefix).toBe(secret.slice(0, 12));
    for (const [column, value] of Object.entries(row)) {
      if (typeof value === "string") expect(value.includes(secret.slice(12)), column).toBe(false);
    }
    const list = await callRoute(apiKeys.GET, { apiKey: acct.apiKey });
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(row.hash);
    expect(list.body.apiKeys.find((k: { id: string }) => k.id === row.id)).toEqual(
      expect.not.objectContaining({ secret: expect.anything() }),
    );
    const audits = await db().auditLog.findMany({ where: { accountId: acct.accountId } });
    expect(JSON.stringify(audits)).not.toContain(secret);
  });
});

describe("passwords at rest", () => {
  it("only an argon2id hash is stored, and no response carries it", async () => {
    const email = `pw-${Date.now()}@example.test`;
    const password = "a-long-and-unique-password";
    const res = await callRoute(signup.POST, { method: "POST", body: { email, password, accountName: "Hashes" } });
    expect(res.status).toBe(201);
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.passwordHash).not.toContain(password);
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|passwordHash/);
    const list = await callRoute(members.GET, { apiKey: acct.apiKey });
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|passwordHash/);
  });
});

describe("sign-in throttling", () => {
  it(`locks an e-mail after ${MAX_FAILURES_PER_EMAIL} failures, from any IP, even with the right password`, async () => {
    const email = acct.ownerEmail;
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      expect(await verifyCredentials({ email, password: `wrong-${i}` }, `10.0.0.${i}`)).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await verifyCredentials({ email, password: "fixture-password" }, "10.9.9.9")).toEqual({ ok: false, reason: "throttled" });
    // Sign-up with that e-mail is refused too (429, not a 409 that would confirm the account exists).
    const again = await callRoute(signup.POST, { method: "POST", body: { email, password: "whatever-password", accountName: "x" } });
    expect(again.status).toBe(429);
  });

  it(`locks an IP after ${MAX_FAILURES_PER_IP} failures, whatever the e-mail`, async () => {
    const ip = "192.0.2.77";
    // A few real failures, the rest recorded directly (each real one costs an argon2 verification).
    for (let i = 0; i < 3; i++) await verifyCredentials({ email: `nobody-${i}@example.test`, password: "wrong-password" }, ip);
    for (let i = 3; i < MAX_FAILURES_PER_IP; i++) await recordLoginAttempt(`nobody-${i}@example.test`, ip, false);
    const fresh = await createAccountFixture();
    expect(await verifyCredentials({ email: fresh.ownerEmail, password: "fixture-password" }, ip)).toEqual({
      ok: false,
      reason: "throttled",
    });
    expect((await verifyCredentials({ email: fresh.ownerEmail, password: "fixture-password" }, "192.0.2.78")).ok).toBe(true);
  });
});

describe("names in any script", () => {
  it("RTL marks, RTL script and emoji round-trip; NUL is refused naming the field", async () => {
    const name = "\u202Eevil\u202C مرحبا 🙂👩‍👩‍👧";
    const created = await callRoute(apiKeys.POST, { method: "POST", apiKey: acct.apiKey, body: { name } });
    expect(created.status).toBe(201);
    const list = await callRoute(apiKeys.GET, { apiKey: acct.apiKey });
    expect(list.body.apiKeys.find((k: { id: string }) => k.id === created.body.id).name).toBe(name);
    const nul = await callRoute(apiKeys.POST, { method: "POST", apiKey: acct.apiKey, body: { name: "a\u0000b" } });
    expect(nul.status).toBe(400);
    expect(nul.body.error.param).toBe("name");
  });
});
