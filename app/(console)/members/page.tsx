// /members — who is in this account and their role; owners invite (link shown once), change roles,
// remove members and revoke invitations; anyone may leave.
import type { Metadata } from "next";
import { listMembers } from "@/lib/accounts/list-members";
import { PageHeader } from "@/components/ui/page-header";
import { MembersView } from "@/components/members/members-view";
import { canManage, consoleCaller } from "../_lib/console-caller";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const caller = await consoleCaller();
  const initial = await listMembers(caller.accountId, caller.userId);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Members"
        description="People who can sign in to this account. Owners manage billing, API keys and members; members see everything and use the API."
      />
      <MembersView initial={initial} canManage={canManage(caller)} />
    </div>
  );
}
