// One wrapper per kind of caller. Each resolves the caller, checks its role, runs the handler and
// turns any error into the §7 shape with a request id. Routes stay thin.
import { AppError, badRequest } from "./errors";
import { callerFromApiKey, callerFromSession, sessionUser, type Caller, type SessionUser } from "./caller";
import { errorResponse } from "./json";
import { newRequestId } from "./request-id";

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export interface HandlerArgs<C> {
  req: Request;
  params: Record<string, string>;
  caller: C;
  requestId: string;
}

type Handler<C> = (args: HandlerArgs<C>) => Promise<Response>;
type Route = (req: Request, ctx: RouteContext) => Promise<Response>;

async function run<C>(
  req: Request,
  ctx: RouteContext | undefined,
  resolve: (req: Request) => Promise<C>,
  handler: Handler<C>,
): Promise<Response> {
  const requestId = newRequestId();
  try {
    // A NUL in the path or query string has no legitimate use and PostgreSQL cannot store it.
    if (req.url.includes("%00")) throw badRequest("The URL must not contain NUL (%00) characters.");
    const caller = await resolve(req);
    const raw = (await ctx?.params) ?? {};
    const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
    const res = await handler({ req, params, caller, requestId });
    res.headers.set("x-request-id", requestId);
    return res;
  } catch (err) {
    return errorResponse(err, requestId);
  }
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** CSRF: a cookie-authenticated write must come from our own origin (API keys are not ambient). */
export function assertSameOrigin(req: Request): void {
  if (!WRITE_METHODS.has(req.method)) return;
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  let originHost: string | null = null;
  try {
    originHost = origin ? new URL(origin).host : null;
  } catch {
    originHost = null;
  }
  if (!originHost || originHost !== host) {
    throw new AppError("forbidden", "Cross-site request refused: the Origin header must match this site.");
  }
}

function assertRole(caller: Caller, role: "owner" | "member"): void {
  if (role === "owner" && caller.role !== "owner" && !caller.isOperator) {
    throw new AppError("forbidden", "Only the account's owner can do this.");
  }
}

/** Account routes (/api/v1/*): session cookie or `Authorization: Bearer <key>` (SPEC §13). */
export function withAccount(handler: Handler<Caller>, opts: { role?: "owner" | "member" } = {}): Route {
  return (req, ctx) =>
    run(
      req,
      ctx,
      async (r) => {
        const caller = r.headers.get("authorization") ? await callerFromApiKey(r.headers.get("authorization")) : await callerFromSession(r);
        if (!caller) {
          // Signed in, but a member of no account (they left it, or were removed): not a sign-in problem.
          const user = r.headers.get("authorization") ? null : await sessionUser(r);
          if (user)
            throw new AppError(
              "forbidden",
              user.isOperator
                ? `Signed in as ${user.email}, an operator who is not a member of any account: operators act on accounts through /api/operator.`
                : `Signed in as ${user.email}, who is not a member of any account: accept an invitation, or open an account of your own (POST /api/session/accounts).`,
            );
          throw new AppError("invalid_api_key", "Not signed in: sign in or send `Authorization: Bearer <api key>`.");
        }
        if (caller.via === "session") assertSameOrigin(r);
        assertRole(caller, opts.role ?? "member");
        return caller;
      },
      handler,
    );
}

/** Operator routes (/api/operator/*): a signed-in operator, or an operator's API key. */
export function withOperator(handler: Handler<SessionUser>): Route {
  return (req, ctx) =>
    run(
      req,
      ctx,
      async (r) => {
        if (r.headers.get("authorization")) {
          const caller = await callerFromApiKey(r.headers.get("authorization"));
          if (!caller.isOperator || !caller.userId) throw new AppError("forbidden", "Operators only.");
          return { userId: caller.userId, isOperator: true, email: "" };
        }
        const user = await sessionUser(r);
        if (!user) throw new AppError("invalid_api_key", "Not signed in.");
        if (!user.isOperator) throw new AppError("forbidden", "Operators only.");
        assertSameOrigin(r);
        return user;
      },
      handler,
    );
}

/** Signed-in user routes that need no account (/api/session/*): the session cookie only. */
export function withUser(handler: Handler<SessionUser>): Route {
  return (req, ctx) =>
    run(
      req,
      ctx,
      async (r) => {
        const user = await sessionUser(r);
        if (!user) throw new AppError("sign_in_required", "Not signed in.");
        assertSameOrigin(r);
        return user;
      },
      handler,
    );
}

/** Public routes (sign-up, health): no caller, same error handling. */
export function withPublic(handler: Handler<null>): Route {
  return (req, ctx) => run(req, ctx, async () => null, handler);
}
