// Revoke a key of the caller's account. Owners revoke any key; members only keys they created.
import { db } from "../db";
import { forgetApiKeyCache } from "./authenticate-api-key";

export type RevokeResult = { ok: true } | { ok: false; reason: "not_found" | "forbidden" };

export async function revokeApiKey(
  accountId: string,
  keyId: string,
  actor: { userId: string | null; role: "owner" | "member" },
): Promise<RevokeResult> {
  const key = await db().apiKey.findFirst({ where: { id: keyId, accountId }, select: { id: true, createdBy: true, revokedAt: true } });
  if (!key) return { ok: false, reason: "not_found" };
  if (actor.role !== "owner" && key.createdBy !== actor.userId) return { ok: false, reason: "forbidden" };
  if (!key.revokedAt) {
    await db().apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    await db().auditLog.create({ data: { accountId, actorId: actor.userId, action: "api_key.revoked", detail: { keyId } } });
  }
  forgetApiKeyCache();
  return { ok: true };
}
