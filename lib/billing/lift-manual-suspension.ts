// An operator lifts a manual suspension, with a note (SPEC §5). Automatic reasons that still hold
// keep the account suspended: syncSuspension re-derives them in the same transaction.
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
    const lifted = await tx.suspensionReason.updateMany({
      where: { accountId, reason: "manual", liftedAt: null },
      data: { liftedAt: now, liftedBy: operatorId, liftNote: text || null, activeKey: null },
    });
    if (lifted.count === 0) {
      return { ok: false as const, reason: "not_manually_suspended" as const, message: "the account has no manual suspension to lift" };
    }
    await tx.auditLog.create({ data: { accountId, actorId: operatorId, action: "account.unsuspended", detail: { note: text } } });
    const sync = await syncSuspension(tx, accountId, now);
    return { ok: true as const, status: sync.status, remainingReasons: sync.reasons };
  });
}
