// Post a batch of served requests as ONE SQL statement (the gateway's group commit): a usage record
// and a ledger charge per request, keyed by request id (a replay changes nothing); credits are drawn
// first, in request order, the rest accrues to the month's invoice (SPEC §4); monthly spend and the
// credit balance move in the same statement, and each request's spend lease is drawn down by what
// it cost. One round trip instead of an interactive transaction is what lets metering keep up with
// the gateway; a single statement is atomic, so the ledger never sees half a batch.
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
  /** The limits in force at admission (RPM, ITPM, OTPM), kept for the usage charts. */
  limits: { requests: number; tokensPrompt: number; tokensGenerated: number };
  at: Date;
}

export interface BatchResult {
  /** Requests newly charged by this batch (the others were already recorded). */
  charged: number;
  /** Accounts whose suspension state was re-derived (they reached a limit or ran out of credits). */
  resynced: string[];
}

type Touched = {
  id: string;
  tier: string;
  spendLimitMicros: bigint | null;
  creditBalanceMicros: bigint;
  monthlySpendMicros: bigint;
  hasPaymentMethod: boolean;
  inserted: bigint;
};

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

function row(u: UsageCharge, ord: number): Prisma.Sql {
  const description = `${u.modelName}: ${u.promptTokens} prompt + ${u.completionTokens} completion tokens${u.abandoned ? " (stream abandoned)" : ""}`;
  return Prisma.sql`(${ord}::int, ${newId("ur")}::text, ${newId("le")}::text, ${u.requestId}::text, ${u.accountId}::text, ${u.apiKeyId}::text,
    ${u.modelId}::text, ${u.modelName}::text, ${u.promptTokens}::int, ${u.completionTokens}::int, ${u.n}::int, ${u.costMicros}::bigint,
    ${u.overLimit}::boolean, ${u.streamed}::boolean, ${u.abandoned}::boolean, ${u.latencyMs}::int, ${u.leaseId}::text,
    ${u.at}::timestamptz, ${monthStart(u.at)}::timestamptz, ${description}::text,
    ${Math.floor(u.limits.requests)}::int, ${Math.floor(u.limits.tokensPrompt)}::int, ${Math.floor(u.limits.tokensGenerated)}::int)`;
}

export async function chargeUsageBatch(items: UsageCharge[]): Promise<BatchResult> {
  if (items.length === 0) return { charged: 0, resynced: [] };
  const touched = await db().$queryRaw<Touched[]>`
    WITH input ("ord", "urId", "leId", "requestId", "accountId", "apiKeyId", "modelId", "modelName", "promptTokens", "completionTokens",
                "n", "costMicros", "overLimit", "streamed", "abandoned", "latencyMs", "leaseId", "at", "period", "description",
                "limitRequests", "limitTokensPrompt", "limitTokensGenerated") AS (
      VALUES ${Prisma.join(items.map(row))}
    ),
    ins AS (
      INSERT INTO "UsageRecord" ("id", "requestId", "accountId", "apiKeyId", "modelId", "promptTokens", "completionTokens", "n",
        "costMicros", "overLimit", "streamed", "abandoned", "latencyMs", "limitRequests", "limitTokensPrompt", "limitTokensGenerated", "createdAt")
      SELECT "urId", "requestId", "accountId", "apiKeyId", "modelId", "promptTokens", "completionTokens", "n",
        "costMicros", "overLimit", "streamed", "abandoned", "latencyMs", "limitRequests", "limitTokensPrompt", "limitTokensGenerated", "at" FROM input
      ON CONFLICT ("requestId") DO NOTHING
      RETURNING "requestId"
    ),
    fresh AS (SELECT i.* FROM input i JOIN ins ON ins."requestId" = i."requestId"),
    acct AS (
      SELECT a."id", a."creditBalanceMicros" AS "balance" FROM "Account" a
      WHERE a."id" IN (SELECT "accountId" FROM fresh) ORDER BY a."id" FOR UPDATE
    ),
    split AS (
      SELECT f.*, GREATEST(0, LEAST(f."costMicros", acct."balance" - (SUM(f."costMicros") OVER w - f."costMicros")))::bigint AS "fromCredits"
      FROM fresh f JOIN acct ON acct."id" = f."accountId"
      WINDOW w AS (PARTITION BY f."accountId" ORDER BY f."ord")
    ),
    led AS (
      INSERT INTO "LedgerEntry" ("id", "accountId", "kind", "amountMicros", "creditMicros", "invoiceMicros", "idempotencyKey",
        "description", "period", "usageRecordId", "modelName", "createdAt")
      SELECT s."leId", s."accountId", 'usage_charge'::"LedgerKind", -s."fromCredits", s."fromCredits", s."costMicros" - s."fromCredits",
        'usage:' || s."requestId", s."description", s."period", s."urId", s."modelName", s."at" FROM split s
      RETURNING 1
    ),
    totals AS (
      SELECT "accountId", MAX("period") AS "period", SUM("fromCredits") AS "credit",
        SUM("costMicros") FILTER (WHERE "period" = (SELECT MAX(p."period") FROM split p WHERE p."accountId" = split."accountId")) AS "latestSpend"
      FROM split GROUP BY "accountId"
    ),
    upd AS (
      UPDATE "Account" a SET
        -- Monthly spend counts only the account's current period: a new month starts it afresh,
        -- and a late charge for an earlier month is in the ledger under that month, not here.
        -- (spendPeriod may hold any instant of its month: compare months.)
        "monthlySpendMicros" = CASE WHEN date_trunc('month', a."spendPeriod" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' < t."period" THEN t."latestSpend"
                                    WHEN date_trunc('month', a."spendPeriod" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = t."period" THEN a."monthlySpendMicros" + t."latestSpend"
                                    ELSE a."monthlySpendMicros" END,
        "spendPeriod" = GREATEST(a."spendPeriod", t."period"),
        "creditBalanceMicros" = a."creditBalanceMicros" - t."credit",
        "updatedAt" = now()
      FROM totals t WHERE a."id" = t."accountId"
      RETURNING a."id", a."tier"::text AS "tier", a."spendLimitMicros", a."creditBalanceMicros", a."monthlySpendMicros"
    ),
    lease AS (
      UPDATE "SpendLease" l SET "amountMicros" = l."amountMicros" - d."amount"
      FROM (SELECT "leaseId", SUM("costMicros") AS "amount" FROM fresh WHERE "leaseId" IS NOT NULL GROUP BY "leaseId") d
      WHERE l."id" = d."leaseId"
      RETURNING 1
    )
    SELECT upd.*,
      EXISTS (SELECT 1 FROM "PaymentMethod" p WHERE p."accountId" = upd."id" AND p."detachedAt" IS NULL) AS "hasPaymentMethod",
      (SELECT count(*) FROM led) AS "inserted"
    FROM upd`;
  // Data-modifying CTEs (the lease draw-down included) run whether or not the result reads them.
  const charged = Number(touched[0]?.inserted ?? 0);

  // Re-derive suspension only where a reason may now hold (rare). A separate short transaction:
  // the charge is already durable, and the spend lease — not the suspension flag — is what
  // prevents overshoot, so a crash between the two cannot let spend pass the limit.
  const resynced: string[] = [];
  for (const a of touched) {
    const limit = effectiveSpendLimit(a.tier as never, a.spendLimitMicros, a.creditBalanceMicros, a.monthlySpendMicros);
    const limitReached = limit !== null && a.monthlySpendMicros >= limit && (a.tier !== "tier0" || a.spendLimitMicros !== null);
    const outOfCredits = a.creditBalanceMicros <= 0n && !a.hasPaymentMethod;
    if (limitReached || outOfCredits) {
      await db().$transaction((tx) => syncSuspension(tx, a.id, items[items.length - 1]!.at));
      resynced.push(a.id);
    }
  }
  return { charged, resynced };
}
