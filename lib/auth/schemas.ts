// Sign-up / sign-in input, shared by the routes and the forms.
import { z } from "zod";

export const emailSchema = z
  .string({ error: "email is required" })
  .trim()
  .toLowerCase()
  .max(254, "email is too long")
  .pipe(z.email({ error: "email is not a valid address" }));

export const passwordSchema = z
  .string({ error: "password is required" })
  .min(8, "password must be at least 8 characters")
  .max(200, "password must be at most 200 characters");

export const signupSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  accountName: z
    .string({ error: "accountName is required" })
    .trim()
    .min(1, "accountName must not be empty")
    .max(80, "accountName must be at most 80 characters"),
});

export type SignupInput = z.infer<typeof signupSchema>;

export const signinSchema = z.object({ email: emailSchema, password: z.string().min(1).max(200) });
