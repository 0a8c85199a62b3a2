"use client";
// Sign-in form: validates with the shared schema, then next-auth's credentials provider.
import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { emailSchema } from "@/lib/auth/schemas";
import { safeCallbackUrl } from "./callback-url";

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [emailError, setEmailError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = emailSchema.safeParse(form.get("email"));
    setEmailError(email.success ? null : (email.error.issues[0]?.message ?? "invalid e-mail"));
    if (!email.success) return;
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { email: email.data, password: String(form.get("password") ?? ""), redirect: false });
    setPending(false);
    if (!result || result.error) {
      setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong e-mail or password.");
      return;
    }
    router.push(safeCallbackUrl(params.get("callbackUrl"), window.location.origin));
    router.refresh();
  }

  return (
    <Card>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field id="email" name="email" label="E-mail" type="email" autoComplete="email" required error={emailError} />
        <Field id="password" name="password" label="Password" type="password" autoComplete="current-password" required />
        {error && <Alert tone="error">{error}</Alert>}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      <p className="mt-4 text-center text-sm text-slate-600">
        No account?{" "}
        <Link href="/signup" className="font-medium text-indigo-600 hover:underline">
          Create one
        </Link>
      </p>
    </Card>
  );
}
