"use client";
// A signed-in user with no account: what happened, and the two ways on — open an account of their own
// (POST /api/session/accounts, the name checked with the same schema), or sign out.
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { createOwnAccountSchema } from "@/lib/accounts/schemas";

export function NoAccount({ email }: { email: string }) {
  const router = useRouter();
  const [error, setError] = useState<{ accountName?: string; form?: string }>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const parsed = createOwnAccountSchema.safeParse(Object.fromEntries(new FormData(e.currentTarget)));
    if (!parsed.success) {
      setError({ accountName: parsed.error.issues[0]?.message });
      return;
    }
    setError({});
    setPending(true);
    const res = await fetch("/api/session/accounts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(parsed.data),
    });
    setPending(false);
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError({ form: body?.error?.message ?? `Opening the account failed (${res.status}).` });
      return;
    }
    router.push("/");
    router.refresh();
  }

  return (
    <Card>
      <h1 className="mb-1 text-lg font-semibold">You are not in any account</h1>
      <p className="mb-4 text-sm text-slate-600">
        You are signed in as <span className="font-medium text-slate-900">{email}</span>, but you no longer belong to an account. Ask an
        account&apos;s owner to invite you again, or open an account of your own: it starts on the trial tier with $1.00 of free credit.
      </p>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field id="accountName" name="accountName" label="Account name" autoComplete="organization" required error={error.accountName} />
        {error.form && <Alert tone="error">{error.form}</Alert>}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Opening…" : "Open an account"}
        </Button>
      </form>
      <p className="mt-4 text-center text-sm text-slate-600">
        <button
          type="button"
          className="font-medium text-indigo-600 hover:underline"
          onClick={() => void signOut({ callbackUrl: "/signin" })}
        >
          Sign out
        </button>
      </p>
    </Card>
  );
}
