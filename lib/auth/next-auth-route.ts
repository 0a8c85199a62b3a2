// next-auth's catch-all (/api/auth/*) hands every path and method to next-auth, which answers the ones
// it does not know with a plain-text 400 ("This action … is not supported") or worse (a 500 for an
// unknown callback segment), and Next answers the methods the route does not export with an empty
// 405. This wrapper keeps next-auth's own endpoints as they are and answers the rest in the §7 shape:
// a path next-auth does not serve → 404 naming it; a method the endpoint does not take → 405 with Allow.
import { NextRequest } from "next/server";
import { noSuchEndpoint, refuseMethod } from "../http/fallbacks";

type Route = typeof noSuchEndpoint;

/**
 * next-auth 4's endpoints (core/index.js): the methods each answers, and whether it takes one more
 * path segment (a provider id — /signin/github, /callback/credentials — or an error code).
 */
const ENDPOINTS: Record<string, { methods: readonly ("GET" | "POST")[]; segment: boolean }> = {
  providers: { methods: ["GET"], segment: false },
  csrf: { methods: ["GET"], segment: false },
  session: { methods: ["GET", "POST"], segment: false },
  signin: { methods: ["GET", "POST"], segment: true },
  signout: { methods: ["GET", "POST"], segment: false },
  callback: { methods: ["GET", "POST"], segment: true },
  "verify-request": { methods: ["GET"], segment: false },
  error: { methods: ["GET"], segment: true },
  _log: { methods: ["POST"], segment: false },
};

const PREFIX = "/api/auth/";

const refusals = new Map(Object.entries(ENDPOINTS).map(([name, e]) => [name, refuseMethod(e.methods)]));

/** next-auth's handler for the methods and paths it serves; the §7 answers for the others. */
export function nextAuthRoute(handler: Route): Route {
  return async (req, ctx) => {
    const path = new URL(req.url).pathname;
    const [name = "", ...rest] = path.startsWith(PREFIX) ? path.slice(PREFIX.length).split("/") : [];
    const endpoint = Object.hasOwn(ENDPOINTS, name) ? ENDPOINTS[name] : undefined;
    if (!endpoint || rest.length > (endpoint.segment ? 1 : 0) || rest.includes("")) return noSuchEndpoint(req, ctx);
    const method = req.method === "HEAD" ? "GET" : req.method;
    if (!(endpoint.methods as readonly string[]).includes(method)) return refusals.get(name)!(req, ctx);
    // Next serves HEAD with the GET handler; next-auth knows only GET (the server drops the body).
    return handler(req.method === "HEAD" ? new NextRequest(req, { method: "GET" }) : req, ctx);
  };
}
