// Post a batch of served requests in ONE transaction (the gateway's group commit): a usage record
// and a ledger charge per request, keyed by request id (a replay changes nothing); credits are drawn
// first, the rest accrues to the month's invoice (SPEC §4); monthly spend and credit balance move in
// the same transaction, and each request's spend lease is drawn down by what it cost.
import { randomBytes } from "node:crypto";
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import { monthStart } from "./period";
import { effectiveSpendLimit } from "./tiers";
import { syncSuspension } from "./suspension";

export interface UsageCharge {
  requestId: string;
  accountId: string;
  apiKeyId: string | null;
  modelId: string;
  modelName: string;
  promptTokens: number;
  completionTokens: number;
  n: number;
  costMicros: bigint;
  overLimit: boolean;
  streamed: boolean;
  abandoned: boolean;
  latencyMs: number;
  leaseId: string | null;
  at: Date;
}

export interface BatchResult {
  /** Requests newly charged by this batch (the others were already recorded). */
  charged: number;
  /** Accounts whose suspension state was re-derived (they reached a limit or ran out of credits). */
  resynced: string[];
}

type AccountRow = {
  id: string;
  tier: string;
  spendLimitMicros: bigint | null;
  creditBalanceMicros: bigint;
  monthlySpendMicros: bigint;
  spendPeriod: Date;
  hasPaymentMethod: boolean;
};

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

export async function chargeUsageBatch(items: UsageCharge[]): Promise<BatchResult> {
  if (items.length === 0) return { charged: 0, resynced: [] };
  return db().$transaction(
    async (tx) => {
      const inserted = await tx.$queryRaw<{ requestId: string; id: string }[]>`
        INSERT INTO "UsageRecord" ("id", "requestId", "accountId", "apiKeyId", "modelId", "promptTokens", "completionTokens", "n",
          "costMicros", "overLimit", "streamed", "abandoned", "latencyMs", "createdAt")
        VALUES ${Prisma.join(
          items.map(
            (u) =>
              Prisma.sql`(${id("ur")}, ${u.requestId}, ${u.accountId}, ${u.apiKeyId}, ${u.modelId}, ${u.promptTokens}, ${u.completionTokens}, ${u.n},
                ${u.costMicros}, ${u.overLimit}, ${u.streamed}, ${u.abandoned}, ${u.latencyMs}, ${u.at})`,
          ),
        )}
        ON CONFLICT ("requestId") DO NOTHING
        RETURNING "requestId", "id"`;
      if (inserted.length === 0) return { charged: 0, resynced: [] };
      const usageIds = new Map(inserted.map((r) => [r.requestId, r.id]));
      const fresh = items.filter((u) => usageIds.has(u.requestId));

      // Lock the accounts in a fixed order (no deadlocks between concurrent batches).
      const accountIds = [...new Set(fresh.map((u) => u.accountId))].sort();
      const rows = await tx.$queryRaw<AccountRow[]>`
        SELECT a."id", a."tier", a."spendLimitMicros", a."creditBalanceMicros", a."monthlySpendMicros", a."spendPeriod",
          EXISTS (SELECT 1 FROM "PaymentMethod" p WHERE p."accountId" = a."id" AND p."detachedAt" IS NULL) AS "hasPaymentMethod"
        FROM "Account" a WHERE a."id" IN (${Prisma.join(accountIds)}) ORDER BY a."id" FOR UPDATE OF a`;
      const accounts = new Map(rows.map((r) => [r.id, { ...r }]));

      const ledger: Prisma.Sql[] = [];
      const leaseDraw = new Map<string, bigint>();
      const totals = new Map<string, { spend: bigint; credit: bigint; period: Date }>();
      for (const u of fresh) {
        const a = accounts.get(u.accountId);
        if (!a) continue;
        const period = monthStart(u.at);
        if (a.spendPeriod.getTime() < period.getTime()) {
          a.monthlySpendMicros = 0n;
          a.spendPeriod = period;
        }
        const fromCredits = a.creditBalanceMicros <= 0n ? 0n : a.creditBalanceMicros < u.costMicros ? a.creditBalanceMicros : u.costMicros;
        a.creditBalanceMicros -= fromCredits;
        a.monthlySpendMicros += u.costMicros;
        const t = totals.get(u.accountId) ?? { spend: 0n, credit: 0n, period };
        t.spend += u.costMicros;
        t.credit += fromCredits;
        t.period = period;
        totals.set(u.accountId, t);
        if (u.leaseId) leaseDraw.set(u.leaseId, (leaseDraw.get(u.leaseId) ?? 0n) + u.costMicros);
        const description = `${u.modelName}: ${u.promptTokens} prompt + ${u.completionTokens} completion tokens${u.abandoned ? " (stream abandoned)" : ""}`;
        ledger.push(
          Prisma.sql`(${id("le")}, ${u.accountId}, 'usage_charge'::"LedgerKind", ${-fromCredits}, ${fromCredits}, ${u.costMicros - fromCredits},
            ${"usage:" + u.requestId}, ${description}, ${period}, ${usageIds.get(u.requestId)!}, ${u.modelName}, ${u.at})`,
        );
      }
      await tx.$executeRaw`
        INSERT INTO "LedgerEntry" ("id", "accountId", "kind", "amountMicros", "creditMicros", "invoiceMicros", "idempotencyKey",
          "description", "period", "usageRecordId", "modelName", "createdAt")
        VALUES ${Prisma.join(ledger)}`;
      for (const [accountId, t] of totals) {
        const a = accounts.get(accountId)!;
        await tx.$executeRaw`UPDATE "Account" SET "monthlySpendMicros" = ${a.monthlySpendMicros}, "spendPeriod" = ${a.spendPeriod},
          "creditBalanceMicros" = "creditBalanceMicros" - ${t.credit}, "updatedAt" = now() WHERE "id" = ${accountId}`;
      }
      for (const [leaseId, amount] of leaseDraw) {
        await tx.$executeRaw`UPDATE "SpendLease" SET "amountMicros" = "amountMicros" - ${amount} WHERE "id" = ${leaseId}`;
      }
      // Re-derive suspension only where a reason may now hold (cheap in the common case).
      const resynced: string[] = [];
      for (const a of accounts.values()) {
        const limit = effectiveSpendLimit(a.tier as never, a.spendLimitMicros, a.creditBalanceMicros, a.monthlySpendMicros);
        const limitReached = a.tier !== "tier0" && limit !== null && a.monthlySpendMicros >= limit;
        const outOfCredits = a.creditBalanceMicros <= 0n && !a.hasPaymentMethod;
        if (
          limitReached ||
          outOfCredits ||
          (a.tier === "tier0" && a.spendLimitMicros !== null && a.monthlySpendMicros >= a.spendLimitMicros)
        ) {
          await syncSuspension(tx, a.id, items[items.length - 1]!.at);
          resynced.push(a.id);
        }
      }
      return { charged: fresh.length, resynced };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}
