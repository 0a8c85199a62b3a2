// What a row's buttons ask to do, and what the confirmation says about it. Pure: the view holds one
// pending action at a time and shows it in a single confirmation dialog.
import { ROLE_LABEL } from "./format";
import type { Invitation, Member, Role } from "./hooks/use-members";

export type MemberAction =
  | { kind: "role"; member: Member; role: Role }
  | { kind: "remove"; member: Member }
  | { kind: "leave"; member: Member }
  | { kind: "revoke"; invitation: Invitation };

export const who = (m: Pick<Member, "name" | "email">) => m.name ?? m.email;

export function describeAction(action: MemberAction): { title: string; confirm: string; body: string; tone: "danger" | "primary" } {
  switch (action.kind) {
    case "role": {
      const { member, role } = action;
      const self = member.you;
      return {
        title: self ? `Become a ${ROLE_LABEL[role].toLowerCase()}?` : `Make ${who(member)} ${role === "owner" ? "an owner" : "a member"}?`,
        confirm: role === "owner" ? "Make owner" : "Make member",
        body:
          role === "owner"
            ? `${who(member)} will manage billing, API keys and members, including removing other owners.`
            : self
              ? "You will keep seeing the account but can no longer change billing, keys or members."
              : `${who(member)} will keep seeing the account but can no longer change billing, keys or members.`,
        tone: role === "owner" ? "primary" : "danger",
      };
    }
    case "remove":
      return {
        title: `Remove ${who(action.member)}?`,
        confirm: "Remove",
        body: `${action.member.email} loses access to this account at once, and the API keys they created are revoked.`,
        tone: "danger",
      };
    case "leave":
      return {
        title: "Leave this account?",
        confirm: "Leave account",
        body: "You lose access to this account at once, and the API keys you created in it are revoked. Only a new invitation brings you back.",
        tone: "danger",
      };
    case "revoke":
      return {
        title: `Revoke the invitation for ${action.invitation.email}?`,
        confirm: "Revoke invitation",
        body: "Its link stops working at once. You can invite the same e-mail again later.",
        tone: "danger",
      };
  }
}
