// GET/POST /api/v1/members — the account's people and pending invitations; owners invite by e-mail.
import { inviteMember } from "@/lib/accounts/invite-member";
import { listMembers } from "@/lib/accounts/list-members";
import { inviteMemberSchema } from "@/lib/accounts/schemas";
import { sendInvitationEmail } from "@/lib/accounts/send-invitation-email";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { consoleBaseUrl } from "@/lib/payments/checkout";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => json(await listMembers(caller.accountId, caller.userId)));

export const POST = withAccount(
  async ({ req, caller }) => {
    const input = await readJson(req, inviteMemberSchema);
    const result = await inviteMember(caller.accountId, input, caller.userId);
    if (!result.ok && result.reason === "too_many") throw new AppError("too_many_attempts", result.message);
    if (!result.ok) throw new AppError("conflict", result.message, { param: "email" });
    const acceptUrl = new URL(`/invite/${result.token}`, consoleBaseUrl(req, env().NEXTAUTH_URL)).toString();
    const emailed = await sendInvitationEmail(caller.accountId, result.invitation, acceptUrl);
    return json({ invitation: result.invitation, acceptUrl, emailed }, 201);
  },
  { role: "owner" },
);

const other = otherMethods({ GET, POST });
export { other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
