// Sign-in and sign-up throttling, per e-mail and per address, stored in the database so it holds
// across instances. The address is the one server.ts resolved (lib/http/client-ip.ts); "unknown"
// when the request did not come through it.
import { db } from "../db";
import { env } from "../env";

const WINDOW_MS = 15 * 60_000;
const SIGNUP_WINDOW_MS = 60 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

/**
 * Too many failed attempts in the last 15 minutes: for the e-mail (sign-ins only: anyone may try to
 * sign up with someone else's address, and that must not lock its owner out), or from the address
 * (sign-ins and sign-ups refused because the e-mail is taken — probing for registered e-mails).
 */
export async function isLoginThrottled(email: string, ip: string, now = new Date()): Promise<boolean> {
  const since = new Date(now.getTime() - WINDOW_MS);
  const [byEmail, byIp] = await Promise.all([
    db().loginAttempt.count({ where: { kind: "sign_in", email, succeeded: false, createdAt: { gte: since } } }),
    db().loginAttempt.count({ where: { ip, succeeded: false, createdAt: { gte: since } } }),
  ]);
  return byEmail >= MAX_FAILURES_PER_EMAIL || byIp >= MAX_FAILURES_PER_IP;
}

export async function recordLoginAttempt(
  email: string,
  ip: string,
  succeeded: boolean,
  kind: "sign_in" | "sign_up" = "sign_in",
): Promise<void> {
  await db().loginAttempt.create({ data: { kind, email, ip, succeeded } });
}

/**
 * The address has created HEADROOM_SIGNUPS_PER_IP_PER_HOUR accounts in the last hour. Each new
 * account comes with promotional credit (SPEC §13): without a cap per address, a script could mint
 * free inference by the dollar. Not applied when the address is unknown (it would throttle everyone).
 */
export async function isSignupThrottled(ip: string | null, now = new Date()): Promise<boolean> {
  if (!ip) return false;
  const created = await db().loginAttempt.count({
    where: { kind: "sign_up", ip, succeeded: true, createdAt: { gte: new Date(now.getTime() - SIGNUP_WINDOW_MS) } },
  });
  return created >= env().HEADROOM_SIGNUPS_PER_IP_PER_HOUR;
}
