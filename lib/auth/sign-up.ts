// POST /api/auth/signup's verb: a user (owner) + an account on Tier 0 with $1 of promotional
// credit, which is not historical spend (SPEC §13, §3).
import { db } from "../db";
import { openAccount } from "../accounts/open-account";
import { hashPassword } from "./password";
import { type SignupInput } from "./schemas";
import { isLoginThrottled, isSignupThrottled, recordLoginAttempt } from "./login-throttle";

export type SignupResult = { ok: true; userId: string; accountId: string } | { ok: false; reason: "email_taken" };

export type SignupFromResult = SignupResult | { ok: false; reason: "throttled" | "too_many_signups" };

/**
 * POST /api/auth/signup: sign up from an address (null when unknown), within its throttles — failed
 * attempts from it (an e-mail already taken counts as one) and accounts it created this hour.
 */
export async function signUpFrom(input: SignupInput, ip: string | null): Promise<SignupFromResult> {
  if (await isLoginThrottled(input.email, ip ?? "unknown")) return { ok: false, reason: "throttled" };
  if (await isSignupThrottled(ip)) return { ok: false, reason: "too_many_signups" };
  const result = await signUp(input);
  await recordLoginAttempt(input.email, ip ?? "unknown", result.ok, "sign_up");
  return result;
}

export async function signUp(input: SignupInput): Promise<SignupResult> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db().$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: input.email, passwordHash }, select: { id: true } });
      return { ok: true as const, userId: user.id, accountId: await openAccount(tx, user.id, input.accountName) };
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") return { ok: false, reason: "email_taken" };
    throw err;
  }
}
