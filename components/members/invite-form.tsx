"use client";
// Invite someone by e-mail as an owner or a member. The answer's link is shown once, with a copy
// button: it is how the invitee joins (whether or not the server also e-mailed it).
import { useState } from "react";
import { inviteMemberSchema } from "@/lib/accounts/schemas";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { OwnerOnlyNote } from "@/components/ui/owner-only-note";
import { SelectField } from "@/components/ui/select-field";
import { errorsFromApi, errorsFromIssues, type FormErrors } from "@/components/console/form-errors";
import { ROLE_LABEL, ROLE_SUMMARY, inviteNote } from "./format";
import { useInviteMember, type CreatedInvitation, type Role } from "./hooks/use-members";

const OWNER_NOTE_ID = "invite-owner";

export function InviteForm({ canManage }: { canManage: boolean }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [errors, setErrors] = useState<FormErrors>({});
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const invite = useInviteMember();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const parsed = inviteMemberSchema.safeParse({ email, role });
    if (!parsed.success) return setErrors(errorsFromIssues(parsed.error.issues));
    setErrors({});
    setCreated(null);
    try {
      setCreated(await invite.mutateAsync(parsed.data));
      setEmail("");
      setRole("member");
    } catch (err) {
      setErrors(errorsFromApi(err, ["email", "role"]));
    }
  }

  return (
    <div className="space-y-3">
      <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-start gap-3">
        <fieldset disabled={!canManage} className="contents">
          <legend className="sr-only">Invite someone</legend>
          <div className="w-full sm:max-w-xs sm:flex-1">
            <Field
              id="invite-email"
              name="email"
              label="E-mail"
              type="email"
              autoComplete="off"
              placeholder="name@example.com"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={errors.email}
              maxLength={254}
              aria-describedby={canManage ? undefined : OWNER_NOTE_ID}
            />
          </div>
          <div className="w-full sm:w-40">
            <SelectField
              id="invite-role"
              name="role"
              label="Role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              error={errors.role}
            >
              <option value="member">{ROLE_LABEL.member}</option>
              <option value="owner">{ROLE_LABEL.owner}</option>
            </SelectField>
          </div>
          <Button
            type="submit"
            className="sm:mt-6"
            disabled={!canManage || invite.isPending}
            aria-describedby={canManage ? undefined : OWNER_NOTE_ID}
          >
            {invite.isPending ? "Inviting…" : "Send invitation"}
          </Button>
        </fieldset>
      </form>
      <p className="text-xs text-slate-500">
        {ROLE_LABEL[role]}: {ROLE_SUMMARY[role]}. The link works once, for 7 days; inviting the same e-mail again replaces it.
      </p>
      {!canManage && <OwnerOnlyNote id={OWNER_NOTE_ID} what="invite people" />}
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
      {created && <CreatedLink created={created} onDone={() => setCreated(null)} />}
    </div>
  );
}

function CreatedLink({ created, onDone }: { created: CreatedInvitation; onDone: () => void }) {
  const { invitation, acceptUrl, emailed } = created;
  return (
    <div className="space-y-2 rounded-md bg-amber-50 p-4 ring-1 ring-amber-200" data-testid="invite-link">
      <p className="text-sm font-semibold text-amber-950">
        Invitation for {invitation.email} ({ROLE_LABEL[invitation.role].toLowerCase()}) — copy the link now, it is not shown again.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          className="min-w-0 flex-1 rounded bg-white px-3 py-2 font-mono text-sm break-all ring-1 ring-amber-200"
          data-testid="invite-link-url"
          aria-label="Invitation link"
        >
          {acceptUrl}
        </code>
        <CopyButton text={acceptUrl} label="Copy link" />
      </div>
      <p className="text-xs text-amber-900" data-testid="invite-link-note">
        {inviteNote(invitation.email, emailed)}
      </p>
      <Button type="button" variant="ghost" className="px-2 py-1 text-xs" onClick={onDone}>
        Done
      </Button>
    </div>
  );
}
