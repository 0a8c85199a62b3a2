// DELETE /api/v1/api-keys/{id} — revoke a key (effective on every instance within 1 s).
import { AppError } from "@/lib/http/errors";
import { json, noBody, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { revokeApiKey } from "@/lib/keys/revoke-api-key";
import { otherMethods } from "@/lib/http/fallbacks";

export const DELETE = withAccount(async ({ req, params, caller }) => {
  await readJson(req, noBody);
  const result = await revokeApiKey(caller.accountId, params.id ?? "", caller);
  if (!result.ok && result.reason === "not_found") throw new AppError("not_found", "No such API key in this account.");
  if (!result.ok) throw new AppError("forbidden", "Members can revoke only the keys they created.");
  return json({ id: params.id, revoked: true });
});

const other = otherMethods({ DELETE });
export { other as GET, other as POST, other as PUT, other as PATCH, other as HEAD, other as OPTIONS };
