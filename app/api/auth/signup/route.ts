// POST /api/auth/signup — create a user (owner) and a Tier 0 account with $1 promotional credit.
import { signupSchema } from "@/lib/auth/schemas";
import { signUp } from "@/lib/auth/sign-up";
import { AppError } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { assertSameOrigin, withPublic } from "@/lib/http/wrappers";
import { isLoginThrottled } from "@/lib/auth/login-throttle";

export const POST = withPublic(async ({ req }) => {
  if (req.headers.get("origin")) assertSameOrigin(req);
  const input = await readJson(req, signupSchema);
  const ip = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "unknown";
  if (await isLoginThrottled(input.email, ip)) throw new AppError("too_many_attempts", "Too many attempts; try again in 15 minutes.");
  const result = await signUp(input);
  if (!result.ok) throw new AppError("conflict", "email: an account with this e-mail already exists", { param: "email" });
  return json({ userId: result.userId, accountId: result.accountId }, 201);
});
