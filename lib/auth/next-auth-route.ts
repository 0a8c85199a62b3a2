// next-auth's catch-all (/api/auth/*) hands every path and method to next-auth, which answers the ones
// it does not know with a plain-text 400 ("This action … is not supported") or worse (a 500 for a GET
// of the credentials callback), and Next answers the methods the route does not export with an empty
// 405. This wrapper keeps next-auth's own endpoints as they are and answers the rest in the §7 shape:
// a path next-auth does not serve → 404 naming it; a method the endpoint does not take → 405 with Allow.
//
// HEAD (Next hands it to the GET export) is GET without a body and without GET's effects: next-auth
// runs its GET, but the answer keeps only the status and headers, not the cookies — next-auth sets a
// fresh CSRF cookie on any GET without one and rolls the session cookie's expiry on GET /session, and
// a HEAD must change nothing. An endpoint whose GET acts (the OAuth callback signs in) refuses HEAD.
import { NextRequest } from "next/server";
import { noSuchEndpoint, refuseMethod } from "../http/fallbacks";

type Route = typeof noSuchEndpoint;

interface Endpoint {
  methods: readonly ("GET" | "POST")[];
  /**
   * One more path segment (a provider id — /signin/github, /callback/credentials — or an error code):
   * "none", "optional", or "required" (a callback names its provider; next-auth answers a bare
   * /callback with a plain-text 400).
   */
  segment: "none" | "optional" | "required";
  /** false: HEAD is refused, GET having effects of its own. */
  head?: false;
}

/** next-auth 4's endpoints (core/index.js) and the methods each answers. */
const ENDPOINTS: Record<string, Endpoint> = {
  providers: { methods: ["GET"], segment: "none" },
  csrf: { methods: ["GET"], segment: "none" },
  session: { methods: ["GET", "POST"], segment: "none" },
  signin: { methods: ["GET", "POST"], segment: "optional" },
  signout: { methods: ["GET", "POST"], segment: "none" },
  // GET is an OAuth provider's redirect back: it exchanges the code and signs in.
  callback: { methods: ["GET", "POST"], segment: "required", head: false },
  "verify-request": { methods: ["GET"], segment: "none" },
  error: { methods: ["GET"], segment: "optional" },
  _log: { methods: ["POST"], segment: "none" },
  // The credentials provider's callback is the sign-in form's POST; next-auth answers its GET with a 500.
  "callback/credentials": { methods: ["POST"], segment: "none" },
};

const PREFIX = "/api/auth/";
/** How many segments may follow an endpoint's name. */
const SEGMENTS: Record<Endpoint["segment"], readonly number[]> = { none: [0], optional: [0, 1], required: [1] };

const refusals = new Map(Object.entries(ENDPOINTS).map(([name, e]) => [name, refuseMethod(e.methods, { head: e.head ?? true })]));

/** The endpoint a path names — a provider's own entry first (callback/credentials) — or null. */
function endpointOf(path: string): string | null {
  if (!path.startsWith(PREFIX)) return null;
  const [name = "", ...rest] = path.slice(PREFIX.length).split("/");
  if (rest.length === 1 && Object.hasOwn(ENDPOINTS, `${name}/${rest[0]}`)) return `${name}/${rest[0]}`;
  const endpoint = Object.hasOwn(ENDPOINTS, name) ? ENDPOINTS[name] : undefined;
  if (!endpoint || rest.includes("")) return null;
  return SEGMENTS[endpoint.segment].includes(rest.length) ? name : null;
}

/** next-auth's handler for the methods and paths it serves; the §7 answers for the others. */
export function nextAuthRoute(handler: Route): Route {
  const route: Route = async (req, ctx) => {
    const name = endpointOf(new URL(req.url).pathname);
    if (name === null) return noSuchEndpoint(req, ctx);
    const endpoint = ENDPOINTS[name]!;
    const head = req.method === "HEAD" && endpoint.head !== false;
    if (!(endpoint.methods as readonly string[]).includes(head ? "GET" : req.method)) return refusals.get(name)!(req, ctx);
    if (!head) return handler(req, ctx);
    // next-auth knows only GET; HEAD keeps GET's status and headers, minus its cookies.
    const res = await handler(new NextRequest(req, { method: "GET" }), ctx);
    const headers = new Headers(res.headers);
    headers.delete("set-cookie");
    await res.body?.cancel();
    return new Response(null, { status: res.status, headers });
  };
  // No answer to a HEAD has a body (Node's server drops it over HTTP; a direct call sees it too).
  return async (req, ctx) => {
    const res = await route(req, ctx);
    if (req.method !== "HEAD" || res.body === null) return res;
    await res.body.cancel();
    return new Response(null, { status: res.status, headers: res.headers });
  };
}
