"use client";
// The invitation page's body: what the link offers, then the one action that fits the visitor —
// accept (signed in as the invited e-mail), sign in first (the e-mail has a user), choose a
// password (it has none), or sign out (signed in as someone else). Errors keep the API's words.
import Link from "next/link";
import { signIn, signOut } from "next-auth/react";
import { useState } from "react";
import { passwordSchema } from "@/lib/auth/schemas";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { dateTime } from "@/components/account/format";
import { ApiError } from "@/components/console/api";
import { errorsFromApi, type FormErrors } from "@/components/console/form-errors";
import { ROLE_LABEL, ROLE_SUMMARY, expiresIn, signInToAccept } from "./format";
import { useAcceptInvitation } from "./hooks/use-accept-invitation";
import { useReopenConsole } from "./hooks/use-accounts";
import type { InvitationOffer } from "@/lib/accounts/invitations";

const LINK_BUTTON =
  "inline-flex w-full items-center justify-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

export function InviteAccept({
  token,
  invitation,
  visitorEmail,
}: {
  token: string;
  invitation: InvitationOffer;
  visitorEmail: string | null;
}) {
  const { accountName, email, role, invitedBy, expiresAt, userExists } = invitation;
  return (
    <Card>
      <p className="text-sm text-slate-600">{invitedBy ? `${invitedBy} invited you to join` : "You are invited to join"}</p>
      <h1 className="mt-1 text-lg font-semibold break-words">{accountName}</h1>
      <dl className="mt-4 space-y-2 text-sm">
        <div>
          <dt className="text-slate-500">Role</dt>
          <dd data-testid="invite-role">
            <span className="font-medium">{ROLE_LABEL[role]}</span> — {ROLE_SUMMARY[role]}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">For</dt>
          <dd className="font-medium break-all">{email}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Expires</dt>
          {/* The server's clock and time zone may differ from the browser's by a minute or a zone. */}
          <dd suppressHydrationWarning>
            {dateTime(expiresAt)} ({expiresIn(expiresAt)})
          </dd>
        </div>
      </dl>
      <div className="mt-5 border-t border-slate-100 pt-5">
        {visitorEmail === null ? (
          userExists ? (
            <SignInFirst token={token} email={email} />
          ) : (
            <ChoosePassword token={token} email={email} accountName={accountName} />
          )
        ) : visitorEmail.toLowerCase() === email.toLowerCase() ? (
          <AcceptAsVisitor token={token} email={email} accountName={accountName} />
        ) : (
          <WrongUser token={token} message={`This invitation is for ${email}, but you are signed in as ${visitorEmail}.`} />
        )}
      </div>
    </Card>
  );
}

function AcceptAsVisitor({ token, email, accountName }: { token: string; email: string; accountName: string }) {
  const accept = useAcceptInvitation(token);
  const reopenConsole = useReopenConsole();
  const error = accept.error;
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        You are signed in as <span className="font-medium text-slate-900">{email}</span>.
      </p>
      <Button
        type="button"
        className="w-full"
        disabled={accept.isPending || accept.isSuccess}
        onClick={() => accept.mutate({}, { onSuccess: reopenConsole })}
      >
        {accept.isPending || accept.isSuccess ? "Joining…" : `Join ${accountName}`}
      </Button>
      {error && <AcceptError token={token} error={error} />}
    </div>
  );
}

function SignInFirst({ token, email }: { token: string; email: string }) {
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">{email} already has a Headroom sign-in. Sign in with it, and you come back here to accept.</p>
      <Link href={signInToAccept(token)} className={LINK_BUTTON}>
        Sign in as {email} to accept
      </Link>
    </div>
  );
}

function WrongUser({ token, message }: { token: string; message: string }) {
  return (
    <div className="space-y-3">
      <Alert tone="warning">{message}</Alert>
      <Button type="button" variant="secondary" className="w-full" onClick={() => signOut({ callbackUrl: `/invite/${token}` })}>
        Sign out, then open the invitation again
      </Button>
    </div>
  );
}

function ChoosePassword({ token, email, accountName }: { token: string; email: string; accountName: string }) {
  const accept = useAcceptInvitation(token);
  const reopenConsole = useReopenConsole();
  const [errors, setErrors] = useState<FormErrors>({});
  const [apiError, setApiError] = useState<Error | null>(null);
  const [signInFailed, setSignInFailed] = useState(false);
  const busy = accept.isPending || accept.isSuccess;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const password = passwordSchema.safeParse(String(form.get("password") ?? ""));
    if (!password.success) return setErrors({ password: password.error.issues[0]?.message ?? "invalid password" });
    const name = String(form.get("name") ?? "").trim();
    setErrors({});
    setApiError(null);
    try {
      await accept.mutateAsync({ password: password.data, ...(name ? { name } : {}) });
    } catch (err) {
      // A field's error goes by its field; anything else (invalid link, 401, 403) gets its way out.
      const placed = errorsFromApi(err, ["password", "name"]);
      if (!placed.form) return setErrors(placed);
      return setApiError(err instanceof Error ? err : new Error(placed.form));
    }
    const login = await signIn("credentials", { email, password: password.data, redirect: false });
    if (!login || login.error) return setSignInFailed(true);
    reopenConsole();
  }

  if (signInFailed) {
    return (
      <Alert tone="warning" title={`You joined ${accountName}`}>
        <p>Signing you in failed, so sign in yourself with {email} and the password you chose.</p>
        <Link href="/signin" className="mt-1 inline-block font-medium underline">
          Sign in
        </Link>
      </Alert>
    );
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <p className="text-sm text-slate-600">Choose a password to create your sign-in and join.</p>
      <Field id="invite-account-email" name="email" label="E-mail" type="email" autoComplete="username" value={email} readOnly />
      <Field id="invite-name" name="name" label="Your name (optional)" autoComplete="name" maxLength={80} error={errors.name} />
      <Field
        id="invite-password"
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        error={errors.password}
        hint="At least 8 characters."
      />
      {apiError && <AcceptError token={token} error={apiError} />}
      <Button type="submit" className="w-full" disabled={busy}>
        {busy ? "Joining…" : "Create sign-in and join"}
      </Button>
    </form>
  );
}

/** An accept that failed: the API's message, with the way out its status points to. */
function AcceptError({ token, error }: { token: string; error: Error }) {
  const status = error instanceof ApiError ? error.status : 0;
  return (
    <Alert tone="error">
      <p>{error.message}</p>
      {status === 403 && (
        <button type="button" className="mt-1 font-medium underline" onClick={() => signOut({ callbackUrl: `/invite/${token}` })}>
          Sign out
        </button>
      )}
      {status === 401 && (
        <Link href={signInToAccept(token)} className="mt-1 inline-block font-medium underline">
          Sign in to accept
        </Link>
      )}
    </Alert>
  );
}

export function InviteInvalid({ message, signedIn }: { message: string; signedIn: boolean }) {
  return (
    <Card>
      <h1 className="mb-2 text-lg font-semibold">This invitation can&apos;t be used</h1>
      <p className="text-sm text-slate-700" data-testid="invite-invalid">
        {message}
      </p>
      <Link href={signedIn ? "/" : "/signin"} className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline">
        {signedIn ? "Go to the console" : "Sign in"}
      </Link>
    </Card>
  );
}
