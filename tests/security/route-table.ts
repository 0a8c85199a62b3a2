// THE table of every route and page and who may call it. The security suites discover routes from
// the filesystem (discover.ts) and fail on any route, method or page missing here, so a new route
// cannot ship without saying who may call it.
//
// Adding a route: add `"METHOD /path/[param]"` (the folder path, route groups left out) with
//   access  who may call it: "public" | "member" | "owner" | "operator" | "gateway" (/v1, API key only)
//           | "user" (any signed-in user, session cookie only: /api/session/*)
//   ok      the status an allowed caller gets with the ids/body below (200, 201, …)
//   params  (w) => path params naming resources of the TARGET account (w.owner) — another account's
//           caller must then get 404, never 200. Make fresh resources with `make.*` when the route
//           changes them (each caller gets its own). Operator routes name a throwaway account.
//   body    (w) => a valid JSON body (writes)
//   expect  per-role overrides of the derived expectation, only where a rule really differs
//   expectSession  the same, for session-cookie callers only (a route that treats a signed-in visitor differently)
//   server  the handler cannot run outside Next (next-auth): checked over HTTP by server.test.ts
//   plain   not a §7 JSON API (health, metrics, Stripe's webhook): skip the error-shape/request-id checks
// Derived expectations (expectedStatus below): anonymous and a revoked key → 401; "owner" routes →
// 403 for members; "operator" routes → 403 for everyone but operators; a caller from another
// account (otherOwner; operator on account routes, who acts for their own account) → 404 when the
// route names a target-account resource, else `ok` on their own data (and the response must not
// contain the target account's ids). Session callers send a matching Origin on writes; the same
// write without it must be 403 (CSRF), checked for every session-authenticated write.
//
// Adding a page: add its pattern to PAGES with access "public" | "member" | "owner" | "operator"
// and, for dynamic segments, `params`; server.test.ts requests it as each role.
import { DEFAULT_POLICY } from "@/lib/limits";
import { denyPendingQuotaRequests, make, type Role, type World } from "./world";

export type Access = "public" | "member" | "owner" | "operator" | "gateway" | "user";

export interface RouteEntry {
  access: Access;
  ok: number;
  params?: (w: World) => Promise<Record<string, string>> | Record<string, string>;
  body?: (w: World) => unknown;
  query?: string;
  /** Whether `params` name a target-account resource (default: whenever there are params). */
  scoped?: boolean;
  /** Runs before each call (e.g. to clear a uniqueness rule between callers). */
  setup?: (w: World) => Promise<void>;
  expect?: Partial<Record<Role, number>>;
  expectSession?: Partial<Record<Role, number>>;
  server?: string;
  /** Not a §7 JSON API (why): no error-shape or x-request-id checks. */
  plain?: string;
}

/** The purchase made for the last refund call (see its entry). */
let lastPurchaseId = "";

const chat = { model: "hr-small-8b", messages: [{ role: "user", content: "hi" }], max_tokens: 4 };

async function gatewayModel(): Promise<Record<string, string>> {
  return { model: "hr-small-8b" };
}
async function unknownEndpoint(): Promise<Record<string, string>> {
  return { path: "no-such-endpoint" };
}
async function nextAuthSession(): Promise<Record<string, string>> {
  return { nextauth: "session" };
}

export const ROUTES: Record<string, RouteEntry> = {
  // next-auth's own handler (sign-in, CSRF token, session): exercised over HTTP by server.test.ts and
  // tests/integration/api/api-misses-http.test.ts. Its other methods are lib/auth/next-auth-route.ts's
  // 405 (OPTIONS 204) in the §7 shape, to anyone.
  "GET /api/auth/[...nextauth]": { access: "public", ok: 200, server: "next-auth handler; GET /api/auth/csrf, /api/auth/session" },
  "POST /api/auth/[...nextauth]": { access: "public", ok: 200, server: "next-auth handler; sign-in throttling over HTTP" },
  "PUT /api/auth/[...nextauth]": { access: "public", ok: 405, params: nextAuthSession, scoped: false },
  "PATCH /api/auth/[...nextauth]": { access: "public", ok: 405, params: nextAuthSession, scoped: false },
  "DELETE /api/auth/[...nextauth]": { access: "public", ok: 405, params: nextAuthSession, scoped: false },
  "OPTIONS /api/auth/[...nextauth]": { access: "public", ok: 204, params: nextAuthSession, scoped: false },
  "POST /api/auth/signup": {
    access: "public",
    ok: 201,
    body: () => ({ email: make.email(), password: "correct-horse-battery", accountName: "Signup Co" }),
  },
  "GET /api/health": { access: "public", ok: 200, plain: "health probe" },
  "GET /api/metrics": { access: "public", ok: 200, plain: "Prometheus exposition" },
  // Stripe's endpoint: no session or key authenticates it, only Stripe's signature (stripe-webhook.test.ts).
  "POST /api/stripe/webhook": { access: "public", ok: 400, plain: "answers Stripe, not the §7 shape" },

  // Account routes (session or API key of the account).
  "GET /api/v1/account": { access: "member", ok: 200 },
  "GET /api/v1/api-keys": { access: "member", ok: 200 },
  "POST /api/v1/api-keys": { access: "member", ok: 201, body: () => ({ name: "matrix" }) },
  "DELETE /api/v1/api-keys/[id]": {
    access: "member",
    ok: 200,
    // A member may revoke only keys they created: the owner's key is 403 for them.
    params: async (w) => ({ id: await make.apiKey(w.owner.accountId, w.owner.ownerId) }),
    expect: { member: 403 },
  },
  "GET /api/v1/auto-top-up": { access: "member", ok: 200 },
  "PUT /api/v1/auto-top-up": {
    access: "owner",
    ok: 200,
    body: () => ({ enabled: true, thresholdUsd: "5", amountUsd: "20", monthlyMaxUsd: "100" }),
  },
  "GET /api/v1/deployments": { access: "member", ok: 200 },
  "POST /api/v1/deployments": { access: "owner", ok: 201, body: () => ({ model: "hr-small-8b", gpuType: "A100", gpuCount: 1 }) },
  "GET /api/v1/deployments/[id]": { access: "member", ok: 200, params: async (w) => ({ id: await make.deployment(w.owner.accountId) }) },
  "PATCH /api/v1/deployments/[id]": {
    access: "owner",
    ok: 200,
    params: async (w) => ({ id: await make.deployment(w.owner.accountId) }),
    body: () => ({ gpuCount: 2 }),
  },
  "DELETE /api/v1/deployments/[id]": {
    access: "owner",
    ok: 200,
    params: async (w) => ({ id: await make.deployment(w.owner.accountId) }),
  },
  "POST /api/v1/credits/checkout": { access: "owner", ok: 200, body: () => ({ amountUsd: "20" }) },
  "GET /api/v1/fine-tuning-jobs": { access: "member", ok: 200 },
  "POST /api/v1/fine-tuning-jobs": { access: "owner", ok: 201, body: () => ({ baseModel: "hr-small-8b", datasetTokens: 1000, epochs: 1 }) },
  "GET /api/v1/fine-tuning-jobs/[id]": {
    access: "member",
    ok: 200,
    params: async (w) => ({ id: await make.fineTuningJob(w.owner.accountId) }),
  },
  "POST /api/v1/fine-tuning-jobs/[id]/cancel": {
    access: "owner",
    ok: 200,
    params: async (w) => ({ id: await make.fineTuningJob(w.owner.accountId) }),
  },
  "POST /api/v1/fine-tuning-jobs/[id]/resume": {
    access: "owner",
    ok: 200,
    params: async (w) => ({ id: await make.pausedFineTuningJob(w.owner.accountId) }),
  },
  "GET /api/v1/invoices": { access: "member", ok: 200 },
  "GET /api/v1/invoices/[id]": { access: "member", ok: 200, params: (w) => ({ id: w.invoiceId }) },
  "POST /api/v1/invoices/[id]/pay": { access: "owner", ok: 200, params: (w) => ({ id: w.invoiceId }) },
  "GET /api/v1/members": { access: "member", ok: 200 },
  "POST /api/v1/members": { access: "owner", ok: 201, body: () => ({ email: make.email(), role: "member" }) },
  "PATCH /api/v1/members/[userId]": {
    access: "owner",
    ok: 200,
    params: async (w) => ({ userId: await make.member(w.owner.accountId) }),
    body: () => ({ role: "owner" }),
  },
  "DELETE /api/v1/members/[userId]": { access: "owner", ok: 200, params: async (w) => ({ userId: await make.member(w.owner.accountId) }) },
  "DELETE /api/v1/members/invitations/[id]": {
    access: "owner",
    ok: 200,
    params: async (w) => ({ id: (await make.invitation(w.owner.accountId)).id }),
  },
  // The link's token is the credential: anyone holding it may read the invitation, and accept it
  // by choosing a password (a new e-mail) — but a signed-in visitor who is not the invitee may not.
  "GET /api/invitations/[token]": {
    access: "public",
    ok: 200,
    scoped: false,
    params: async (w) => ({ token: (await make.invitation(w.owner.accountId)).token }),
  },
  "POST /api/invitations/[token]/accept": {
    access: "public",
    ok: 201,
    scoped: false,
    params: async (w) => ({ token: (await make.invitation(w.owner.accountId)).token }),
    body: () => ({ password: "invitee-password" }),
    expectSession: { member: 403, otherOwner: 403, owner: 403, operator: 403 },
  },
  "GET /api/session/accounts": { access: "user", ok: 200 },
  // Every user of the world belongs to an account: opening another is refused (409) to all of them.
  "POST /api/session/accounts": { access: "user", ok: 409, body: () => ({ accountName: "Another" }) },
  "POST /api/session/account": {
    access: "user",
    ok: 200,
    body: (w) => ({ accountId: w.owner.accountId }),
    expect: { otherOwner: 404, operator: 404 },
  },
  "GET /api/v1/models": { access: "member", ok: 200 },
  "POST /api/v1/models": { access: "owner", ok: 201, body: () => ({ name: make.email().split("@")[0], kind: "model" }) },
  "DELETE /api/v1/models/[id]": {
    access: "owner",
    ok: 200,
    params: async (w) => ({ id: (await make.customModel(w.owner.accountId)).id }),
  },
  "GET /api/v1/notifications": { access: "member", ok: 200 },
  "GET /api/v1/payment-methods": { access: "member", ok: 200 },
  "DELETE /api/v1/payment-methods/[id]": { access: "owner", ok: 200, params: async (w) => ({ id: await make.card(w.owner.accountId) }) },
  "POST /api/v1/payment-methods/setup": { access: "owner", ok: 200 },
  "GET /api/v1/quota-requests": { access: "member", ok: 200 },
  "POST /api/v1/quota-requests": {
    access: "owner",
    ok: 201,
    // One pending request per quota and account: clear the way for each caller.
    setup: (w) => denyPendingQuotaRequests(w.operator.ownerId),
    body: () => ({ quota: "h100-gpus", value: 16, reason: "matrix" }),
  },
  "GET /api/v1/quotas": { access: "member", ok: 200 },
  "PATCH /api/v1/quotas/[name]": {
    access: "owner",
    ok: 200,
    params: () => ({ name: "monthly-spend-usd" }),
    scoped: false, // a quota name, not a resource of the target account: each caller sets their own
    body: () => ({ value: "40" }),
  },
  "GET /api/v1/rate-limits": { access: "member", ok: 200 },
  "GET /api/v1/usage": { access: "member", ok: 200, query: "?since=1h" },

  // Operator routes (a signed-in operator or an operator's API key).
  "GET /api/operator/accounts": { access: "operator", ok: 200, query: "?q=account" },
  "GET /api/operator/accounts/[id]": { access: "operator", ok: 200, params: (w) => ({ id: w.owner.accountId }) },
  "GET /api/operator/accounts/[id]/quotas": { access: "operator", ok: 200, params: (w) => ({ id: w.owner.accountId }) },
  "PUT /api/operator/accounts/[id]/quotas/[name]": {
    access: "operator",
    ok: 200,
    params: async () => ({ id: await make.account(), name: "a100-gpus" }),
    body: () => ({ value: 12 }),
  },
  "GET /api/operator/accounts/[id]/purchases": { access: "operator", ok: 200, params: (w) => ({ id: w.owner.accountId }) },
  "POST /api/operator/accounts/[id]/refunds": {
    access: "operator",
    ok: 201,
    // The body names the purchase the params just made (params are made first).
    params: async () => {
      const made = await make.creditPurchase();
      lastPurchaseId = made.purchaseId;
      return { id: made.accountId };
    },
    body: () => ({ purchaseId: lastPurchaseId, amountUsd: "5", reason: "matrix" }),
  },
  "POST /api/operator/accounts/[id]/suspend": {
    access: "operator",
    ok: 200,
    params: async () => ({ id: await make.account() }),
    body: () => ({ reason: "matrix" }),
  },
  "POST /api/operator/accounts/[id]/tier": {
    access: "operator",
    ok: 200,
    params: async () => ({ id: await make.account() }),
    body: () => ({ tier: "unlimited" }),
  },
  "POST /api/operator/accounts/[id]/unsuspend": {
    access: "operator",
    // Nothing to lift on a fresh account: 409 proves the operator got through to the verb.
    ok: 409,
    params: async () => ({ id: await make.account() }),
    body: () => ({ note: "matrix" }),
  },
  "POST /api/operator/jobs/[job]": {
    access: "operator",
    ok: 200,
    params: () => ({ job: "reconcile" }),
    body: (w) => ({ accountId: w.owner.accountId }),
  },
  "GET /api/operator/policies": { access: "operator", ok: 200 },
  "PUT /api/operator/policies/[model]": {
    access: "operator",
    ok: 200,
    params: () => ({ model: "hr-medium-70b" }),
    body: () => ({ policy: { ...DEFAULT_POLICY } }),
  },
  "POST /api/operator/policies/preview": {
    access: "operator",
    ok: 200,
    body: () => ({ policy: { ...DEFAULT_POLICY }, traffic: "constant:60", minutes: 5 }),
  },
  "GET /api/operator/quota-requests": { access: "operator", ok: 200 },
  "POST /api/operator/quota-requests/[id]/approve": {
    access: "operator",
    ok: 200,
    params: async () => ({ id: await make.quotaRequest(await make.account()) }),
    body: () => ({ note: "ok" }),
  },
  "POST /api/operator/quota-requests/[id]/deny": {
    access: "operator",
    ok: 200,
    params: async () => ({ id: await make.quotaRequest(await make.account()) }),
    body: () => ({ reason: "no" }),
  },

  // /api/* paths without a route of their own: 404 in the §7 shape to anyone (the path is wrong
  // whoever asks; lib/http/fallbacks.ts). HEAD is Next's, from GET.
  "GET /api/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "POST /api/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "PUT /api/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "PATCH /api/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "DELETE /api/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "OPTIONS /api/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "GET /api/v1/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "POST /api/v1/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "PUT /api/v1/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "PATCH /api/v1/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "DELETE /api/v1/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "OPTIONS /api/v1/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "GET /api/operator/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "POST /api/operator/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "PUT /api/operator/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "PATCH /api/operator/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "DELETE /api/operator/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },
  "OPTIONS /api/operator/[[...path]]": { access: "public", ok: 404, params: unknownEndpoint, scoped: false },

  // The enforcing API: API keys only (a session cookie is not a credential here).
  "POST /v1/chat/completions": { access: "gateway", ok: 200, body: () => chat },
  "GET /v1/chat/completions": { access: "gateway", ok: 405 },
  "POST /v1/completions": { access: "gateway", ok: 200, body: () => ({ model: "hr-small-8b", prompt: "hi", max_tokens: 4 }) },
  "GET /v1/completions": { access: "gateway", ok: 405 },
  "GET /v1/models": { access: "gateway", ok: 200 },
  "POST /v1/models": { access: "gateway", ok: 405, body: () => ({}) },
  "PUT /v1/models": { access: "gateway", ok: 405 },
  "PATCH /v1/models": { access: "gateway", ok: 405 },
  "DELETE /v1/models": { access: "gateway", ok: 405 },
  "PUT /v1/chat/completions": { access: "gateway", ok: 405 },
  "PATCH /v1/chat/completions": { access: "gateway", ok: 405 },
  "DELETE /v1/chat/completions": { access: "gateway", ok: 405 },
  "PUT /v1/completions": { access: "gateway", ok: 405 },
  "PATCH /v1/completions": { access: "gateway", ok: 405 },
  "DELETE /v1/completions": { access: "gateway", ok: 405 },
  // A catalog model's name is no account's secret (scoped: false).
  "GET /v1/models/[model]": { access: "gateway", ok: 200, params: gatewayModel, scoped: false },
  "POST /v1/models/[model]": { access: "gateway", ok: 405, params: gatewayModel, scoped: false, body: () => ({}) },
  "PUT /v1/models/[model]": { access: "gateway", ok: 405, params: gatewayModel, scoped: false },
  "PATCH /v1/models/[model]": { access: "gateway", ok: 405, params: gatewayModel, scoped: false },
  "DELETE /v1/models/[model]": { access: "gateway", ok: 405, params: gatewayModel, scoped: false },
  // /v1 paths without a route of their own: the gateway's 404 in the §7 shape.
  "GET /v1/[[...path]]": { access: "gateway", ok: 404, params: unknownEndpoint, scoped: false },
  "POST /v1/[[...path]]": { access: "gateway", ok: 404, params: unknownEndpoint, scoped: false, body: () => ({}) },
  "PUT /v1/[[...path]]": { access: "gateway", ok: 404, params: unknownEndpoint, scoped: false },
  "PATCH /v1/[[...path]]": { access: "gateway", ok: 404, params: unknownEndpoint, scoped: false },
  "DELETE /v1/[[...path]]": { access: "gateway", ok: 404, params: unknownEndpoint, scoped: false },
};

// Every other method of an /api/* route file (lib/http/fallbacks.ts otherMethods):
// 405 in the §7 shape with an Allow header, to anyone (the method is wrong whoever asks, and says
// nothing the route list does not); OPTIONS 204 with the same Allow; HEAD is Next's, from GET, where
// there is a GET. Derived from the entries above: a method given a real handler needs its own entry.
const FALLBACK_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
for (const pattern of new Set(Object.keys(ROUTES).map((key) => key.split(" ")[1]!))) {
  if (!pattern.startsWith("/api/") || pattern.includes("...")) continue;
  const own = FALLBACK_METHODS.filter((method) => ROUTES[`${method} ${pattern}`]);
  for (const method of FALLBACK_METHODS) {
    if (own.includes(method) || (method === "HEAD" && own.includes("GET"))) continue;
    ROUTES[`${method} ${pattern}`] = { access: "public", ok: method === "OPTIONS" ? 204 : 405 };
  }
}

export interface PageEntry {
  access: "public" | "member" | "owner" | "operator";
  params?: (ids: PageIds) => Record<string, string>;
  expect?: Partial<Record<Role, number>>;
}

/** Ids the server test creates in the target account over HTTP, for dynamic pages. */
export interface PageIds {
  accountId: string;
  deploymentId: string;
  /** An invoice of the target account, when the server test could make one (null: none exists). */
  invoiceId: string | null;
}

const NO_SUCH = "cm_no_such_resource_000000";

export const PAGES: Record<string, PageEntry> = {
  "/signin": { access: "public" },
  "/signup": { access: "public" },
  // For a signed-in user who belongs to no account; everyone else is sent on (to /, /operator, /signin).
  "/no-account": { access: "member", expect: { owner: 307, member: 307, otherOwner: 307, operator: 307 } },
  "/": { access: "member" },
  "/api-keys": { access: "member" },
  "/billing": { access: "member" },
  "/deployments": { access: "member" },
  "/invoices": { access: "member" },
  "/invoices/[id]": {
    access: "member",
    params: (ids) => ({ id: ids.invoiceId ?? NO_SUCH }),
    // Without an invoice to show, the page must be a 404 for everyone (the API test covers another account's id).
    expect: { member: 404, owner: 404, otherOwner: 404 },
  },
  "/notifications": { access: "member" },
  "/members": { access: "member" },
  // An invitation link: public; a token that matches nothing shows why, not an error page.
  "/invite/[token]": { access: "public", params: () => ({ token: `hri_${"x".repeat(43)}` }) },
  "/quotas": { access: "member" },
  "/usage": { access: "member" },
  "/operator": { access: "operator", expect: { operator: 307 } }, // → /operator/accounts
  "/operator/accounts": { access: "operator" },
  "/operator/accounts/[id]": { access: "operator", params: (ids) => ({ id: ids.accountId }) },
  "/operator/policies": { access: "operator" },
  "/operator/quota-requests": { access: "operator" },
};

/** What a caller in `role` must get (API routes). */
export function expectedStatus(entry: RouteEntry, role: Role, via: "api_key" | "session" | "none" = "none"): number {
  if (entry.access === "user" && via === "api_key") return 401; // session routes take no API key
  const scoped = entry.scoped ?? (entry.params !== undefined && entry.access !== "operator");
  const override = (via === "session" ? entry.expectSession?.[role] : undefined) ?? entry.expect?.[role];
  if (override !== undefined) return override;
  if (entry.access === "public") return entry.ok;
  if (role === "anonymous" || role === "revokedKey") return 401;
  switch (entry.access) {
    case "operator":
      return role === "operator" ? entry.ok : 403;
    case "gateway":
      return entry.ok;
    case "user":
      return entry.ok;
    case "owner":
      if (role === "member") return 403;
      return scoped && (role === "otherOwner" || role === "operator") ? 404 : entry.ok;
    case "member":
      return scoped && (role === "otherOwner" || role === "operator") ? 404 : entry.ok;
  }
}

/** What a signed-in `role` (or a visitor) must get for a console page. */
export function expectedPageStatus(entry: PageEntry, role: Exclude<Role, "revokedKey">): number {
  const override = entry.expect?.[role];
  if (override !== undefined) return override;
  if (entry.access === "public") return 200;
  if (role === "anonymous") return 307; // proxy.ts: to /signin
  if (entry.access === "operator") return role === "operator" ? 200 : 404; // the operator console does not admit it exists
  if (entry.access === "owner" && role === "member") return 403;
  // The server test's operator is the seeded one, who has no account: account pages send them to /operator.
  if (role === "operator") return 307;
  return entry.params && role === "otherOwner" ? 404 : 200;
}
