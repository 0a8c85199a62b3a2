// Check an e-mail + password for sign-in, throttled. Returns the user or why not.
import { db } from "../db";
import { signinSchema } from "./schemas";
import { dummyPasswordHash, verifyPassword } from "./password";
import { isLoginThrottled, recordLoginAttempt } from "./login-throttle";

export type CredentialsResult =
  | { ok: true; user: { id: string; email: string; name: string | null; isOperator: boolean } }
  | { ok: false; reason: "invalid" | "throttled" };

export async function verifyCredentials(input: unknown, ip: string): Promise<CredentialsResult> {
  const parsed = signinSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  if (await isLoginThrottled(email, ip)) return { ok: false, reason: "throttled" };
  const user = await db().user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, isOperator: true, passwordHash: true },
  });
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  await recordLoginAttempt(email, ip, Boolean(user && valid));
  if (!user || !valid) return { ok: false, reason: "invalid" };
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, isOperator: user.isOperator } };
}
