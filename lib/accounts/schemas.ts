// Member management input, shared by the route and the console.
import { z } from "zod";
import { emailSchema, passwordSchema } from "../auth/schemas";

export const addMemberSchema = z.object({
  email: emailSchema,
  /** Initial password for a new user (an existing user keeps theirs). */
  password: passwordSchema.optional(),
  role: z.enum(["owner", "member"]).default("member"),
});
export type AddMemberInput = z.infer<typeof addMemberSchema>;
