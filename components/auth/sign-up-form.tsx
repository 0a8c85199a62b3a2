"use client";
// Sign-up form: the same zod schema as POST /api/auth/signup; server errors shown on their field.
import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { signupSchema } from "@/lib/auth/schemas";

type Errors = Partial<Record<"email" | "password" | "accountName" | "form", string>>;

export function SignUpForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.currentTarget));
    const parsed = signupSchema.safeParse(form);
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[(issue.path[0] as keyof Errors) ?? "form"] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    setPending(true);
    const res = await fetch("/api/auth/signup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(parsed.data),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string; param?: string } } | null;
      const field = (body?.error?.param ?? "form") as keyof Errors;
      const message = body?.error?.message?.replace(/^\w+: /, "") ?? `Sign-up failed (${res.status}).`;
      setErrors({ [field in { email: 1, password: 1, accountName: 1 } ? field : "form"]: message });
      setPending(false);
      return;
    }
    const login = await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
    setPending(false);
    if (login?.error) {
      setErrors({ form: "Account created, but signing in failed: sign in below." });
      return;
    }
    router.push("/");
    router.refresh();
  }

  return (
    <Card>
      <h1 className="mb-1 text-lg font-semibold">Create an account</h1>
      <p className="mb-4 text-sm text-slate-600">You start on the trial tier with $1.00 of free credit.</p>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field id="accountName" name="accountName" label="Account name" autoComplete="organization" required error={errors.accountName} />
        <Field id="email" name="email" label="E-mail" type="email" autoComplete="email" required error={errors.email} />
        <Field
          id="password"
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          error={errors.password}
          hint="At least 8 characters."
        />
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Creating…" : "Create account"}
        </Button>
      </form>
      <p className="mt-4 text-center text-sm text-slate-600">
        Have an account?{" "}
        <Link href="/signin" className="font-medium text-indigo-600 hover:underline">
          Sign in
        </Link>
      </p>
    </Card>
  );
}
