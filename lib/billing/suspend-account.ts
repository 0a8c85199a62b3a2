// An operator suspends an account by hand (SPEC §5 `manual`), with a reason the owner sees. Only
// an operator lifts it (lift-manual-suspension.ts); automatic re-derivation never touches it.
import { db } from "../db";
import { notify } from "../alerts/notify";
import { lockAccount } from "./lock-account";
import { syncSuspension } from "./suspension";

export type SuspendAccountResult =
  { ok: true; alreadySuspended: boolean; status: "suspended" } | { ok: false; reason: "invalid_input" | "no_account"; message: string };

export async function suspendAccount(
  accountId: string,
  reason: string,
  operatorId: string | null,
  now = new Date(),
): Promise<SuspendAccountResult> {
  const text = typeof reason === "string" ? reason.trim() : "";
  if (text.length === 0 || text.length > 500) return { ok: false, reason: "invalid_input", message: "reason: must be 1–500 characters" };
  return db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, accountId))) return { ok: false as const, reason: "no_account" as const, message: "account not found" };
    const activeKey = `${accountId}:manual`;
    const existing = await tx.suspensionReason.findUnique({ where: { activeKey }, select: { id: true } });
    if (!existing) {
      const row = await tx.suspensionReason.create({
        data: { accountId, reason: "manual", detail: text, setBy: operatorId, setAt: now, activeKey },
        select: { id: true },
      });
      await tx.auditLog.create({ data: { accountId, actorId: operatorId, action: "account.suspended", detail: { reason: text } } });
      await notify(tx, {
        accountId,
        kind: "account_suspended",
        title: "Account suspended by an operator",
        body: text,
        dedupeKey: `suspension:${row.id}`,
      });
    }
    await syncSuspension(tx, accountId, now);
    return { ok: true as const, alreadySuspended: existing !== null, status: "suspended" as const };
  });
}
