// Member and invitation input, shared by the routes and the console.
import { z } from "zod";
import { emailSchema, passwordSchema, signupSchema } from "../auth/schemas";

const roleSchema = z.enum(["owner", "member"], { error: 'role must be "owner" or "member"' });

/** POST /api/v1/members: invite someone. No password: the invitee chooses their own when accepting. */
export const inviteMemberSchema = z.strictObject(
  { email: emailSchema, role: roleSchema.default("member") },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? "not accepted here (the invited person sets their own password when they accept)" : undefined,
  },
);
export type InviteMemberInput = z.infer<typeof inviteMemberSchema>;

/** PATCH /api/v1/members/{userId}. */
export const setMemberRoleSchema = z.strictObject({ role: roleSchema });

/** POST /api/invitations/{token}/accept: a password (and a name) only when the invitee has no user yet. */
export const acceptInvitationSchema = z.strictObject({
  password: passwordSchema.optional(),
  name: z.string().trim().min(1, "name must not be empty").max(80, "name must be at most 80 characters").optional(),
});
export type AcceptInvitationInput = z.infer<typeof acceptInvitationSchema>;

/** POST /api/session/account: which of the user's accounts the console shows. */
export const selectAccountSchema = z.strictObject({ accountId: z.string({ error: "accountId is required" }).min(1).max(64) });

/** POST /api/session/accounts: a user with no account opens one (the name as at sign-up). */
export const createOwnAccountSchema = z.strictObject({ accountName: signupSchema.shape.accountName });
