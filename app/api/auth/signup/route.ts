// POST /api/auth/signup — create a user (owner) and a Tier 0 account with $1 promotional credit.
import { signupSchema } from "@/lib/auth/schemas";
import { signUpFrom } from "@/lib/auth/sign-up";
import { callerIp } from "@/lib/http/client-ip";
import { AppError } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { assertSameOrigin, withPublic } from "@/lib/http/wrappers";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withPublic(async ({ req }) => {
  if (req.headers.get("origin")) assertSameOrigin(req);
  const input = await readJson(req, signupSchema);
  const result = await signUpFrom(input, callerIp(req.headers));
  if (result.ok) return json({ userId: result.userId, accountId: result.accountId }, 201);
  if (result.reason === "throttled") throw new AppError("too_many_attempts", "Too many attempts; try again in 15 minutes.");
  if (result.reason === "too_many_signups")
    throw new AppError("too_many_attempts", "Too many accounts have been created from your address in the last hour; try again later.");
  throw new AppError("conflict", "email: an account with this e-mail already exists", { param: "email" });
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };
