// An operator lifts a manual suspension, with a note (SPEC §5). Automatic reasons that still hold
// keep the account suspended: syncSuspension re-derives them in the same transaction.
import { notify } from "../alerts/notify";
import { db } from "../db";
import { lockAccount } from "./lock-account";
import { syncSuspension } from "./suspension";
import type { SuspensionReasonCode } from "../db/generated/enums";

export type LiftManualSuspensionResult =
  | { ok: true; status: "active" | "suspended"; remainingReasons: SuspensionReasonCode[] }
  | { ok: false; reason: "invalid_input" | "no_account" | "not_manually_suspended"; message: string };

export async function liftManualSuspension(
  accountId: string,
  note: string,
  operatorId: string | null,
  now = new Date(),
): Promise<LiftManualSuspensionResult> {
  const text = typeof note === "string" ? note.trim() : "";
  if (text.length > 500) return { ok: false, reason: "invalid_input", message: "note: must be at most 500 characters" };
  return db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, accountId))) return { ok: false as const, reason: "no_account" as const, message: "account not found" };
    const manual = await tx.suspensionReason.findFirst({ where: { accountId, reason: "manual", liftedAt: null }, select: { id: true } });
    if (!manual) {
      return { ok: false as const, reason: "not_manually_suspended" as const, message: "the account has no manual suspension to lift" };
    }
    await tx.suspensionReason.updateMany({
      where: { accountId, reason: "manual", liftedAt: null },
      data: { liftedAt: now, liftedBy: operatorId, liftNote: text || null, activeKey: null },
    });
    await tx.auditLog.create({ data: { accountId, actorId: operatorId, action: "account.unsuspended", detail: { note: text } } });
    const sync = await syncSuspension(tx, accountId, now);
    // syncSuspension announces a reactivation it causes; this one the operator caused.
    if (sync.status === "active") {
      await notify(tx, {
        accountId,
        kind: "account_reactivated",
        title: "Account active again",
        body: "An operator lifted the suspension; API calls are accepted again.",
        dedupeKey: `reactivated:${manual.id}`,
      });
    }
    return { ok: true as const, status: sync.status, remainingReasons: sync.reasons };
  });
}
