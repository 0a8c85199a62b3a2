// Members and invitations through the real route handlers: nobody joins an account without following
// the link, the link works once, inviting reveals nothing about who is registered, an account always
// keeps an owner, a removed member's keys stop working, and a user in several accounts picks one.
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { addMemberFixture, createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { signUp } from "@/lib/auth/sign-up";
import { setMailer, type EmailMessage } from "@/lib/alerts/mailer";
import { INVITATIONS_PER_HOUR, inviteMember } from "@/lib/accounts/invite-member";
import { setMemberRole } from "@/lib/accounts/change-membership";
import { authenticateApiKey } from "@/lib/keys/authenticate-api-key";
import { createApiKey } from "@/lib/keys/create-api-key";
import * as membersRoute from "@/app/api/v1/members/route";
import * as memberRoute from "@/app/api/v1/members/[userId]/route";
import * as invitationRoute from "@/app/api/v1/members/invitations/[id]/route";
import * as linkRoute from "@/app/api/invitations/[token]/route";
import * as acceptRoute from "@/app/api/invitations/[token]/accept/route";
import * as accountsRoute from "@/app/api/session/accounts/route";
import * as chooseRoute from "@/app/api/session/account/route";
import * as accountRoute from "@/app/api/v1/account/route";

const SECRET = "members-test-secret-0123456789abcdef";
process.env.NEXTAUTH_SECRET = SECRET;
setupTestDatabase();

let n = 0;
const email = () => `person-${process.pid}-${++n}@example.test`;

/** Request headers of a signed-in browser: next-auth's session cookie (+ the chosen account) and our Origin. */
async function browser(userId: string, chosenAccount?: string): Promise<Record<string, string>> {
  const token = await encode({ token: { uid: userId, sub: userId }, secret: SECRET });
  const cookie = `next-auth.session-token=${token}${chosenAccount ? `; headroom-account=${chosenAccount}` : ""}`;
  return { cookie, origin: "http://localhost", host: "localhost" };
}

async function invite(ownerKey: string, body: unknown) {
  return callRoute(membersRoute.POST, { method: "POST", apiKey: ownerKey, body });
}

const tokenOf = (acceptUrl: string) => new URL(acceptUrl).pathname.split("/").pop()!;

function accept(token: string, body: unknown = {}, headers: Record<string, string> = {}) {
  return callRoute(acceptRoute.POST, { method: "POST", params: { token }, body, headers });
}

describe("inviting", () => {
  it("answers alike whether or not the e-mail is registered, and adds nobody", async () => {
    const acct = await createAccountFixture();
    const registered = await createAccountFixture();
    const known = await invite(acct.apiKey, { email: registered.ownerEmail });
    const unknown = await invite(acct.apiKey, { email: email() });
    for (const res of [known, unknown]) {
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(["acceptUrl", "emailed", "invitation"]);
      expect(Object.keys(res.body.invitation).sort()).toEqual(["createdAt", "email", "expiresAt", "id", "invitedBy", "role"]);
      expect(res.body.acceptUrl).toMatch(/^http:\/\/localhost\/invite\/hri_[A-Za-z0-9_-]{43}$/);
    }
    expect(await db().membership.count({ where: { accountId: acct.accountId } })).toBe(1);
    const list = await callRoute(membersRoute.GET, { apiKey: acct.apiKey });
    expect(list.body.members).toHaveLength(1);
    expect(list.body.invitations.map((i: { email: string }) => i.email).sort()).toEqual(
      [registered.ownerEmail, unknown.body.invitation.email].sort(),
    );
    // The token is shown once: neither the list nor the database holds it.
    expect(JSON.stringify(list.body)).not.toContain(tokenOf(unknown.body.acceptUrl));
    expect(JSON.stringify(await db().invitation.findMany())).not.toContain(tokenOf(unknown.body.acceptUrl));
  });

  it("takes no password (the invitee chooses one), refuses an existing member, and names the field", async () => {
    const acct = await createAccountFixture();
    const withPassword = await invite(acct.apiKey, { email: email(), password: "owner-chosen-password" });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.error.message).toMatch(/^password: not accepted here/);
    const bad = await invite(acct.apiKey, { email: "not-an-address", role: "admin" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/email|role/);
    const again = await invite(acct.apiKey, { email: acct.ownerEmail });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "conflict", param: "email" });
  });

  it("members cannot invite; inviting again replaces the pending link", async () => {
    const acct = await createAccountFixture({ name: "Fixture Co" });
    const member = await addMemberFixture(acct.accountId);
    expect((await invite(member.apiKey, { email: email() })).status).toBe(403);
    const who = email();
    const first = await invite(acct.apiKey, { email: who });
    const second = await invite(acct.apiKey, { email: who, role: "owner" });
    expect((await callRoute(linkRoute.GET, { params: { token: tokenOf(first.body.acceptUrl) } })).status).toBe(404);
    const link = await callRoute(linkRoute.GET, { params: { token: tokenOf(second.body.acceptUrl) } });
    expect(link.status).toBe(200);
    expect(link.body).toMatchObject({ email: who, role: "owner", userExists: false, accountName: "Fixture Co" });
    expect((await callRoute(membersRoute.GET, { apiKey: acct.apiKey })).body.invitations).toHaveLength(1);
  });

  it(`sends at most ${INVITATIONS_PER_HOUR} invitations an hour per account (each may be an e-mail)`, async () => {
    const acct = await createAccountFixture();
    for (let i = 0; i < INVITATIONS_PER_HOUR; i++) expect((await invite(acct.apiKey, { email: email() })).status).toBe(201);
    const over = await invite(acct.apiKey, { email: email() });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("too_many_attempts");
    expect(await db().invitation.count({ where: { accountId: acct.accountId } })).toBe(INVITATIONS_PER_HOUR);
  });

  it("e-mails the link when SMTP is configured", async () => {
    const sent: EmailMessage[] = [];
    setMailer({ send: async (m) => void sent.push(m) });
    try {
      const acct = await createAccountFixture();
      const who = email();
      const res = await invite(acct.apiKey, { email: who });
      expect(res.body.emailed).toBe(true);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.to).toEqual([who]);
      expect(sent[0]!.text).toContain(res.body.acceptUrl);
    } finally {
      setMailer(null);
    }
  });
});

describe("accepting", () => {
  it("a new person chooses a password, joins with the invited role, and the link works once", async () => {
    const acct = await createAccountFixture();
    const who = email();
    const token = tokenOf((await invite(acct.apiKey, { email: who })).body.acceptUrl);
    const noPassword = await accept(token, {});
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.param).toBe("password");
    const joined = await accept(token, { password: "invitee-password", name: "Ada" });
    expect(joined.status).toBe(201);
    expect(joined.body).toEqual({ accountId: acct.accountId, role: "member", created: true });
    const user = await db().user.findUniqueOrThrow({ where: { email: who }, select: { id: true, name: true } });
    expect(user.name).toBe("Ada");
    expect(await db().membership.findUnique({ where: { userId_accountId: { userId: user.id, accountId: acct.accountId } } })).toMatchObject(
      {
        role: "member",
      },
    );
    // The owners hear of it, once.
    const joinedNotes = await db().notification.findMany({
      where: { accountId: acct.accountId, kind: "member_joined" },
      select: { title: true },
    });
    expect(joinedNotes).toEqual([{ title: `${who} joined as a member` }]);
    const reused = await accept(token, { password: "another-password" });
    expect(reused.status).toBe(404);
    expect(reused.body.error.message).toMatch(/already been accepted/);
  });

  it("a registered person must be signed in as the invited e-mail", async () => {
    const acct = await createAccountFixture();
    const invitee = await createAccountFixture();
    const stranger = await createAccountFixture();
    const token = tokenOf((await invite(acct.apiKey, { email: invitee.ownerEmail })).body.acceptUrl);
    const anonymous = await accept(token, { password: "whatever-password" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.message).toBe(`Sign in as ${invitee.ownerEmail} to accept this invitation.`);
    const wrong = await accept(token, {}, await browser(stranger.ownerId));
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toContain(invitee.ownerEmail);
    expect(wrong.body.error.message).toContain(stranger.ownerEmail);
    // A cookie-authenticated accept from another site is refused (CSRF).
    const crossSite = await accept(token, {}, { ...(await browser(invitee.ownerId)), origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    const right = await accept(token, {}, await browser(invitee.ownerId));
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ accountId: acct.accountId, role: "member", created: false });
    // The console now shows the account just joined.
    expect(right.headers.get("set-cookie")).toMatch(new RegExp(`^headroom-account=${acct.accountId}; Path=/; .*HttpOnly; SameSite=Lax`));
    expect(await db().membership.count({ where: { userId: invitee.ownerId } })).toBe(2);
  });

  it("two people racing with one link: exactly one joins, one user is created", async () => {
    const acct = await createAccountFixture();
    const who = email();
    const token = tokenOf((await invite(acct.apiKey, { email: who })).body.acceptUrl);
    const results = await Promise.all([accept(token, { password: "first-password" }), accept(token, { password: "second-password" })]);
    // The loser hears "sign in" (the user now exists) or "already used", never a 500.
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect([401, 404]).toContain(results.find((r) => r.status !== 201)!.status);
    expect(await db().user.count({ where: { email: who } })).toBe(1);
    expect(await db().membership.count({ where: { accountId: acct.accountId } })).toBe(2);
  });

  it("an expired or revoked link says so and adds nobody", async () => {
    const acct = await createAccountFixture();
    const old = await inviteMember(
      acct.accountId,
      { email: email(), role: "member" },
      acct.ownerId,
      new Date(Date.now() - 8 * 24 * 3600_000),
    );
    if (!old.ok) throw new Error("invite failed");
    const expired = await accept(old.token, { password: "invitee-password" });
    expect(expired.status).toBe(404);
    expect(expired.body.error.message).toMatch(/^This invitation expired on \d{4}-\d{2}-\d{2}/);
    const fresh = await invite(acct.apiKey, { email: email() });
    const other = await createAccountFixture();
    const params = { id: fresh.body.invitation.id };
    expect((await callRoute(invitationRoute.DELETE, { method: "DELETE", apiKey: other.apiKey, params })).status).toBe(404);
    expect((await callRoute(invitationRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params })).status).toBe(200);
    expect((await callRoute(invitationRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params })).status).toBe(404);
    const revoked = await accept(tokenOf(fresh.body.acceptUrl), { password: "invitee-password" });
    expect(revoked.status).toBe(404);
    expect(revoked.body.error.message).toMatch(/not valid/);
    expect((await callRoute(linkRoute.GET, { params: { token: "hri_nonsense" } })).status).toBe(404);
    expect(await db().membership.count({ where: { accountId: acct.accountId } })).toBe(1);
  });
});

describe("roles and removal", () => {
  it("an account always keeps an owner, also when two owners demote each other at once", async () => {
    const acct = await createAccountFixture();
    const alone = await callRoute(memberRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { userId: acct.ownerId },
      body: { role: "member" },
    });
    expect(alone.status).toBe(409);
    expect(alone.body.error.message).toMatch(/at least one owner/);
    const second = await addMemberFixture(acct.accountId);
    const promoted = await callRoute(memberRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { userId: second.userId },
      body: { role: "owner" },
    });
    expect(promoted.status).toBe(200);
    const results = await Promise.all([
      setMemberRole(acct.accountId, acct.ownerId, "member", second.userId),
      setMemberRole(acct.accountId, second.userId, "member", acct.ownerId),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db().membership.count({ where: { accountId: acct.accountId, role: "owner" } })).toBe(1);
    const unknown = await callRoute(memberRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { userId: "nobody" },
      body: { role: "owner" },
    });
    expect(unknown.status).toBe(404);
  });

  it("removing a member revokes the keys they made; members may leave but not remove others", async () => {
    const acct = await createAccountFixture();
    const a = await addMemberFixture(acct.accountId);
    const b = await addMemberFixture(acct.accountId);
    const extra = await createApiKey(acct.accountId, "a's second key", a.userId);
    const byMember = await callRoute(memberRoute.DELETE, { method: "DELETE", apiKey: b.apiKey, params: { userId: a.userId } });
    expect(byMember.status).toBe(403);
    const removed = await callRoute(memberRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { userId: a.userId } });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ userId: a.userId, removed: true, revokedApiKeys: 2 });
    expect(await authenticateApiKey(a.apiKey)).toBeNull();
    expect(await authenticateApiKey(extra.secret)).toBeNull();
    expect(await authenticateApiKey(acct.apiKey)).not.toBeNull();
    const left = await callRoute(memberRoute.DELETE, { method: "DELETE", apiKey: b.apiKey, params: { userId: b.userId } });
    expect(left.status).toBe(200);
    const departures = await db().notification.findMany({
      where: { accountId: acct.accountId, kind: "member_left" },
      orderBy: { createdAt: "asc" },
      select: { title: true, body: true },
    });
    expect(departures).toHaveLength(2);
    expect(departures[0]!.title).toMatch(/was removed from the account$/);
    expect(departures[0]!.body).toMatch(/2 API keys they created were revoked\.$/);
    expect(departures[1]!.title).toMatch(/left the account$/);
    const lastOwner = await callRoute(memberRoute.DELETE, { method: "DELETE", apiKey: acct.apiKey, params: { userId: acct.ownerId } });
    expect(lastOwner.status).toBe(409);
    expect(
      (await db().auditLog.findMany({ where: { accountId: acct.accountId, action: { startsWith: "member." } }, select: { action: true } }))
        .map((r) => r.action)
        .sort(),
    ).toEqual(["member.left", "member.removed"]);
  });
});

describe("a user in several accounts", () => {
  it("chooses the account the console shows; a cookie naming someone else's account is ignored", async () => {
    const own = await signUp({ email: email(), password: "own-password", accountName: "Own Co" });
    const other = await createAccountFixture({ name: "Inviting Co" });
    const stranger = await createAccountFixture({ name: "Stranger Co" });
    if (!own.ok) throw new Error("sign-up failed");
    await db().membership.create({ data: { userId: own.userId, accountId: other.accountId, role: "member" } });
    const list = await callRoute(accountsRoute.GET, { headers: await browser(own.userId) });
    expect(list.status).toBe(200);
    expect(list.body.accounts).toEqual([
      { accountId: own.accountId, name: "Own Co", role: "owner", current: true },
      { accountId: other.accountId, name: "Inviting Co", role: "member", current: false },
    ]);
    const chosen = await callRoute(chooseRoute.POST, {
      method: "POST",
      headers: await browser(own.userId),
      body: { accountId: other.accountId },
    });
    expect(chosen.status).toBe(200);
    expect(chosen.headers.get("set-cookie")).toMatch(new RegExp(`^headroom-account=${other.accountId};`));
    const account = await callRoute(accountRoute.GET, { headers: await browser(own.userId, other.accountId) });
    expect(account.body).toMatchObject({ id: other.accountId, name: "Inviting Co" });
    const refused = await callRoute(chooseRoute.POST, {
      method: "POST",
      headers: await browser(own.userId),
      body: { accountId: stranger.accountId },
    });
    expect(refused.status).toBe(404);
    const forged = await callRoute(accountRoute.GET, { headers: await browser(own.userId, stranger.accountId) });
    expect(forged.body).toMatchObject({ id: own.accountId });
    // Session routes take no API key.
    expect((await callRoute(accountsRoute.GET, { apiKey: other.apiKey })).status).toBe(401);
  });
});

describe("a user who belongs to no account any more", () => {
  it("is told so (403 naming them, not 401 'not signed in'), and may open an account of their own, once", async () => {
    const acct = await createAccountFixture();
    const member = await addMemberFixture(acct.accountId);
    expect(
      (await callRoute(memberRoute.DELETE, { method: "DELETE", apiKey: member.apiKey, params: { userId: member.userId } })).status,
    ).toBe(200);
    const headers = await browser(member.userId);
    const account = await callRoute(accountRoute.GET, { headers });
    expect(account.status).toBe(403);
    expect(account.body.error).toMatchObject({ code: "forbidden" });
    expect(account.body.error.message).toMatch(
      /^Signed in as .*, who is not a member of any account: accept an invitation, or open an account/,
    );

    const bad = await callRoute(accountsRoute.POST, { method: "POST", headers, body: { accountName: "" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe("accountName");
    const opened = await callRoute(accountsRoute.POST, { method: "POST", headers, body: { accountName: "Back Again Ltd" } });
    expect(opened.status).toBe(201);
    expect(opened.headers.get("set-cookie")).toMatch(new RegExp(`^headroom-account=${opened.body.accountId};`));
    const own = await callRoute(accountRoute.GET, { headers });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: opened.body.accountId, name: "Back Again Ltd", tier: "tier0", creditBalanceUsd: "1.00" });
    // One's own account is enough: a second is refused (the welcome credit is one per person).
    const again = await callRoute(accountsRoute.POST, { method: "POST", headers, body: { accountName: "Another" } });
    expect(again.status).toBe(409);
    const owner = await callRoute(accountsRoute.POST, {
      method: "POST",
      headers: await browser(acct.ownerId),
      body: { accountName: "Spare" },
    });
    expect(owner.status).toBe(409);
  });
});
