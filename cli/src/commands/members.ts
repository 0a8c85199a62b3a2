// Members (SPEC §1): `list members` (people and pending invitations), `invite member --email
// [--role]` (prints the link once), `revoke invitation <id>` and `remove member <userId>`.
import type { Command } from "commander";
import type { listMembers } from "../../../lib/accounts/list-members";
import type { InvitationView } from "../../../lib/accounts/invitations";
import { inviteMemberSchema } from "../../../lib/accounts/schemas";
import { contextOf } from "../context";
import { when } from "../format";
import { parseFlags, withExamples } from "../help";
import { table } from "../table";

type Members = Awaited<ReturnType<typeof listMembers>>;

export function registerMembers(groups: { list: Command; invite: Command; revoke: Command; remove: Command }): void {
  withExamples(
    groups.list
      .command("members")
      .alias("member")
      .description("List the account's members and its pending invitations.")
      .action(async (_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().get<Members>("/api/v1/members");
        if (ctx.output === "json") return ctx.json(body);
        const s = ctx.style;
        ctx.out(
          table(
            body.members,
            [
              { header: "USER ID", value: (m) => m.userId },
              { header: "E-MAIL", value: (m) => (m.you ? `${m.email} (you)` : m.email) },
              { header: "ROLE", value: (m) => m.role, paint: (t, m) => (m.role === "owner" ? s.bold(t) : t) },
              { header: "SINCE", value: (m) => when(m.since) },
            ],
            s,
          ),
        );
        if (body.invitations.length === 0) return;
        ctx.out("");
        ctx.out("Pending invitations:");
        ctx.out(
          table(
            body.invitations,
            [
              { header: "ID", value: (i) => i.id },
              { header: "E-MAIL", value: (i) => i.email },
              { header: "ROLE", value: (i) => i.role },
              { header: "INVITED BY", value: (i) => i.invitedBy ?? "—" },
              { header: "EXPIRES", value: (i) => when(i.expiresAt) },
            ],
            s,
          ),
        );
      }),
    ["headroom list members"],
  );

  withExamples(
    groups.invite
      .command("member")
      .requiredOption("--email <address>", "who to invite")
      .option("--role <role>", "member (sees everything) or owner (also billing and members)", "member")
      .description("Invite someone by e-mail. The link is printed once on stdout (and e-mailed when SMTP is configured).")
      .action(async (opts: { email: string; role: string }, cmd: Command) => {
        const ctx = contextOf(cmd);
        const input = parseFlags(inviteMemberSchema, { email: opts.email, role: opts.role }, { email: "--email", role: "--role" });
        const body = await ctx.client().post<{ invitation: InvitationView; acceptUrl: string; emailed: boolean }>("/api/v1/members", input);
        if (ctx.output === "json") return ctx.json(body);
        ctx.note(`Invited ${ctx.errStyle.bold(body.invitation.email)} as ${body.invitation.role} (${body.invitation.id}).`);
        ctx.out(body.acceptUrl);
        ctx.note(
          body.emailed
            ? "The link was e-mailed; it works once and expires " + when(body.invitation.expiresAt) + "."
            : ctx.errStyle.yellow(
                `Send this link to ${body.invitation.email}: it is shown only once, works once and expires ${when(body.invitation.expiresAt)}.`,
              ),
        );
      }),
    ["headroom invite member --email ada@example.com", "headroom invite member --email bob@example.com --role owner"],
  );

  withExamples(
    groups.revoke
      .command("invitation")
      .alias("invitations")
      .argument("<id>", "the invitation's id (from `headroom list members`)")
      .description("Withdraw a pending invitation: its link stops working at once.")
      .action(async (id: string, _opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().delete<{ id: string; revoked: boolean }>(`/api/v1/members/invitations/${encodeURIComponent(id)}`);
        if (ctx.output === "json") return ctx.json(body);
        ctx.out(`Revoked invitation ${body.id}.`);
      }),
    ["headroom revoke invitation cm_inv_123"],
  );

  withExamples(
    groups.remove
      .command("member")
      .argument("<userId>", "the member's user id (from `headroom list members`); your own to leave the account")
      .description("Remove a member from the account; the API keys they created are revoked.")
      .action(async (userId: string, _opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx
          .client()
          .delete<{ userId: string; removed: boolean; revokedApiKeys: number }>(`/api/v1/members/${encodeURIComponent(userId)}`);
        if (ctx.output === "json") return ctx.json(body);
        ctx.out(`Removed ${body.userId}; ${body.revokedApiKeys} API key${body.revokedApiKeys === 1 ? "" : "s"} they created revoked.`);
      }),
    ["headroom remove member cm_user_123"],
  );
}
