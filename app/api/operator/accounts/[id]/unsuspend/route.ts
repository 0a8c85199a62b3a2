// POST /api/operator/accounts/{id}/unsuspend — lift the manual suspension (automatic reasons that
// still hold keep the account suspended; the answer lists them).
import { AppError, badRequest } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { liftManualSuspension } from "@/lib/billing/lift-manual-suspension";
import { unsuspendSchema } from "@/lib/billing/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withOperator(async ({ req, params, caller }) => {
  const { note } = await readJson(req, unsuspendSchema);
  const result = await liftManualSuspension(params.id ?? "", note, caller.userId);
  if (!result.ok && result.reason === "no_account") throw new AppError("not_found", "No such account.");
  if (!result.ok && result.reason === "not_manually_suspended") throw new AppError("conflict", result.message);
  if (!result.ok) throw badRequest(result.message, "note");
  return json({ id: params.id, status: result.status, remainingReasons: result.remainingReasons });
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };
