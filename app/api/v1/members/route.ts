// GET/POST /api/v1/members — the account's people; owners add members.
import { addMember, listMembers } from "@/lib/accounts/add-member";
import { addMemberSchema } from "@/lib/accounts/schemas";
import { AppError, badRequest } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";

export const GET = withAccount(async ({ caller }) => json({ members: await listMembers(caller.accountId) }));

export const POST = withAccount(
  async ({ req, caller }) => {
    const input = await readJson(req, addMemberSchema);
    const result = await addMember(caller.accountId, input, caller.userId);
    if (!result.ok && result.reason === "already_member") throw new AppError("conflict", result.message, { param: "email" });
    if (!result.ok) throw badRequest(result.message, "password");
    return json(result, 201);
  },
  { role: "owner" },
);
