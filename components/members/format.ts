// Pure formatters for the Members page and the invitation page.
import type { Role } from "./hooks/use-members";

export const ROLE_LABEL: Record<Role, string> = { owner: "Owner", member: "Member" };

/** What each role may do, in one line (the invite form's hint and the invitation page). */
export const ROLE_SUMMARY: Record<Role, string> = {
  owner: "manages billing, API keys and members",
  member: "sees everything and uses the API; cannot change billing or members",
};

/** "in 7 days" (a link made just now), "in 5 h", "in 20 min", or "expired": rounded up, as a deadline is. */
export function expiresIn(iso: string, now = new Date()): string {
  const s = (new Date(iso).getTime() - now.getTime()) / 1000;
  if (s <= 0) return "expired";
  if (s < 3600) return `in ${Math.ceil(s / 60)} min`;
  if (s < 86_400) return `in ${Math.ceil(s / 3600)} h`;
  const d = Math.ceil(s / 86_400);
  return `in ${d} ${d === 1 ? "day" : "days"}`;
}

/** What the owner should do with a new invitation's link. */
export function inviteNote(email: string, emailed: boolean): string {
  return emailed
    ? `We e-mailed it to ${email}. You can also send it yourself.`
    : `Send this link to ${email}: it is the only way to accept, and it is not shown again.`;
}

/** "/signin?callbackUrl=/invite/<token>": sign in, then come back to the invitation. */
export function signInToAccept(token: string): string {
  return `/signin?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`;
}
