// Resolve a bearer secret to its account. Cached for one second, so a revocation takes effect
// within 1 s on every instance without a database round trip per request. Read through lookupDb:
// a database that stopped answering fails the lookup (503) within seconds (LOOKUP_TIMEOUT_MS a wait).
import { db, lookupDb } from "../db";
import type { Role } from "../db/generated/enums";
import { hashSecret, hashesEqual, isWellFormedSecret, secretPrefix } from "./secret";

export interface KeyPrincipal {
  apiKeyId: string;
  accountId: string;
  /** A key acts with the role its creator holds in the account now (member keys cannot pay). */
  role: Role;
  isOperator: boolean;
  userId: string | null;
}

const TTL_MS = 1_000;
const LAST_USED_EVERY_MS = 60_000;
// The promise is cached, so when an entry expires under load one lookup serves every waiting request;
// a lookup still running (a slow or stalled database) serves everyone who asks meanwhile, however
// old: one lookup per key at a time, not one more every second.
const cache = new Map<string, { at: number; principal: Promise<KeyPrincipal | null>; running: boolean }>();
const lastUsedWritten = new Map<string, number>();

export function authenticateApiKey(secret: string, now = Date.now()): Promise<KeyPrincipal | null> {
  if (!isWellFormedSecret(secret)) return Promise.resolve(null);
  const hit = cache.get(secret);
  if (hit && (hit.running || now - hit.at < TTL_MS)) return hit.principal;
  const principal = lookup(secret);
  if (cache.size > 10_000) cache.clear();
  const entry = { at: now, principal, running: true };
  cache.set(secret, entry);
  principal.then(
    (p) => {
      entry.running = false;
      if (p) touchLastUsed(p.apiKeyId, now);
    },
    // A failed lookup (database unreachable) is not remembered: the next request tries again.
    () => {
      entry.running = false;
      if (cache.get(secret) === entry) cache.delete(secret);
    },
  );
  return principal;
}

async function lookup(secret: string): Promise<KeyPrincipal | null> {
  const key = await lookupDb().apiKey.findUnique({
    where: { prefix: secretPrefix(secret) },
    select: { id: true, hash: true, accountId: true, revokedAt: true, createdBy: true },
  });
  if (!key || key.revokedAt || !hashesEqual(key.hash, hashSecret(secret))) return null;
  const creator = key.createdBy
    ? await lookupDb().user.findUnique({
        where: { id: key.createdBy },
        select: { isOperator: true, memberships: { where: { accountId: key.accountId }, select: { role: true } } },
      })
    : null;
  return {
    apiKeyId: key.id,
    accountId: key.accountId,
    role: creator?.memberships[0]?.role ?? (key.createdBy ? "member" : "owner"),
    isOperator: creator?.isOperator ?? false,
    userId: key.createdBy,
  };
}

function touchLastUsed(apiKeyId: string, now: number): void {
  const last = lastUsedWritten.get(apiKeyId) ?? 0;
  if (now - last < LAST_USED_EVERY_MS) return;
  lastUsedWritten.set(apiKeyId, now);
  // Best effort, off the request path.
  db()
    .apiKey.update({ where: { id: apiKeyId }, data: { lastUsedAt: new Date(now) } })
    .catch(() => lastUsedWritten.delete(apiKeyId));
}

/** Drop cached lookups (after a revoke on this instance, so it is immediate here). */
export function forgetApiKeyCache(): void {
  cache.clear();
}
