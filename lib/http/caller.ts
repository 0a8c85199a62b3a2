// Who is calling: a signed-in user (session cookie) or an API key, resolved to one account.
import { getToken } from "next-auth/jwt";
import { db } from "../db";
import type { Role } from "../db/generated/enums";
import { authenticateApiKey } from "../keys/authenticate-api-key";
import { ACCOUNT_COOKIE, chosenMembership } from "../accounts/user-accounts";
import { AppError } from "./errors";

export interface Caller {
  via: "session" | "api_key";
  userId: string | null;
  accountId: string;
  role: Role;
  isOperator: boolean;
  apiKeyId: string | null;
}

export interface SessionUser {
  userId: string;
  isOperator: boolean;
  email: string;
}

export function bearerToken(header: string | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

export async function callerFromApiKey(authorization: string | null): Promise<Caller> {
  const token = bearerToken(authorization);
  if (!token) {
    throw new AppError("invalid_api_key", "Missing API key: send it as `Authorization: Bearer <key>`.");
  }
  const principal = await authenticateApiKey(token);
  if (!principal) throw new AppError("invalid_api_key", "Invalid API key: it is unknown or has been revoked.");
  return { via: "api_key", ...principal };
}

function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return cookies;
}

/** The account chosen in the console (the ACCOUNT_COOKIE), if any — still to be checked against the memberships. */
export function chosenAccountId(req: Request): string | null {
  return parseCookies(req.headers.get("cookie")).get(ACCOUNT_COOKIE) ?? null;
}

/** The signed-in user of a request, from next-auth's JWT cookie (works outside Next's request scope). */
export async function sessionUser(req: Request): Promise<SessionUser | null> {
  const cookies = parseCookies(req.headers.get("cookie"));
  if (![...cookies.keys()].some((name) => name.includes("next-auth.session-token"))) return null;
  const token = await getToken({ req: { cookies, headers: {} } as never, secret: process.env.NEXTAUTH_SECRET });
  const userId = typeof token?.uid === "string" ? token.uid : null;
  if (!userId) return null;
  const user = await db().user.findUnique({ where: { id: userId }, select: { id: true, isOperator: true, email: true } });
  return user ? { userId: user.id, isOperator: user.isOperator, email: user.email } : null;
}

/** The session user's account: the one chosen in the console (cookie) if still theirs, else their first (owners first). */
export async function callerFromSession(req: Request): Promise<Caller | null> {
  const user = await sessionUser(req);
  if (!user) return null;
  const membership = await chosenMembership(user.userId, chosenAccountId(req));
  if (!membership) return null;
  return {
    via: "session",
    userId: user.userId,
    accountId: membership.accountId,
    role: membership.role,
    isOperator: user.isOperator,
    apiKeyId: null,
  };
}
