// Post a batch of served requests as ONE SQL statement (the gateway's group commit): a usage record
// and a ledger charge per request, keyed by request id (a replay changes nothing); credits are drawn
// first, in request order, the rest accrues to the month's invoice (SPEC §4); monthly spend and the
// credit balance move in the same statement, and each request's spend lease is drawn down by what
// it cost. One round trip instead of an interactive transaction is what lets metering keep up with
// the gateway; a single statement is atomic, so the ledger never sees half a batch.
//
// The batch travels as one array per column (unnest), so the statement's text never changes: it is
// prepared once per connection and planned once, and it goes straight to the driver (directQuery),
// skipping Prisma's per-parameter work — planning and binding ~1,500 parameters per flush used to
// cost more than the inserts themselves.
import { bigintOrNull, db, directQuery } from "../db";
import { arrayLiteral } from "../db/array-literal";
import { effectiveSpendLimit } from "./tiers";
import { mayCrossAlert } from "../alerts/budget-alerts";
import type { Tier } from "../db/generated/enums";
import { syncSuspension } from "./suspension";
import { errorSummary, log } from "../log";

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

/** The id of a served request's usage record (derived from its request id, like the ledger charge's). */
export const usageRecordId = (requestId: string): string => `ur_${requestId}`;

export interface BatchResult {
  /** Requests newly charged by this batch (the others were already recorded). */
  charged: number;
  /** Accounts whose suspension state was re-derived (they reached a limit or ran out of credits). */
  resynced: string[];
  /** Accounts this batch may have taken past a budget alert's threshold (check them now, not in a minute). */
  alerting: string[];
}

interface Touched {
  id: string;
  tier: string;
  spendLimitMicros: bigint | null;
  creditBalanceMicros: bigint;
  monthlySpendMicros: bigint;
  hasPaymentMethod: boolean;
  inserted: number;
}

const CHARGE_USAGE_BATCH = `
  WITH input AS (
    SELECT u.*, date_trunc('month', u."at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "period",
      -- Both rows are keyed by the request id, so their ids derive from it (no ids to generate and
      -- send per row; the usage record's id is its one unique key), and so does the ledger's description.
      'ur_' || u."requestId" AS "urId", 'le_' || u."requestId" AS "leId",
      u."modelName" || ': ' || u."promptTokens" || ' prompt + ' || u."completionTokens" || ' completion tokens'
        || CASE WHEN NOT u."abandoned" THEN '' WHEN u."streamed" THEN ' (stream abandoned)' ELSE ' (abandoned by the client)' END AS "description"
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::bigint[],
                $10::boolean[], $11::boolean[], $12::boolean[], $13::int[], $14::text[], $15::timestamptz[], $16::int[], $17::int[],
                $18::int[])
      WITH ORDINALITY AS u ("requestId", "accountId", "apiKeyId", "modelId", "modelName", "promptTokens", "completionTokens", "n",
        "costMicros", "overLimit", "streamed", "abandoned", "latencyMs", "leaseId", "at", "limitRequests", "limitTokensPrompt",
        "limitTokensGenerated", "ord")
  ),
  -- The usage tables carry no foreign keys (their per-row checks were a quarter of this statement):
  -- a row goes in only for an account that exists (looked up once per batch; accounts are never
  -- deleted), and only one that went in is charged below.
  ins AS (
    INSERT INTO "UsageRecord" ("id", "requestId", "accountId", "apiKeyId", "modelId", "promptTokens", "completionTokens", "n",
      "costMicros", "overLimit", "streamed", "abandoned", "latencyMs", "limitRequests", "limitTokensPrompt", "limitTokensGenerated", "createdAt")
    SELECT "urId", "requestId", "accountId", "apiKeyId", "modelId", "promptTokens", "completionTokens", "n",
      "costMicros", "overLimit", "streamed", "abandoned", "latencyMs", "limitRequests", "limitTokensPrompt", "limitTokensGenerated", "at"
    FROM input WHERE "accountId" IN (SELECT a."id" FROM "Account" a WHERE a."id" IN (SELECT "accountId" FROM input))
    ON CONFLICT ("id") DO NOTHING -- the request was already charged
    RETURNING "requestId"
  ),
  fresh AS (SELECT i.* FROM input i JOIN ins ON ins."requestId" = i."requestId"),
  -- The charged accounts, locked in id order (two flushes never wait for each other in a cycle).
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
  latest AS (SELECT "accountId", MAX("period") AS "period" FROM split GROUP BY "accountId"),
  totals AS (
    SELECT s."accountId", l."period", SUM(s."fromCredits") AS "credit",
      SUM(s."costMicros") FILTER (WHERE s."period" = l."period") AS "latestSpend"
    FROM split s JOIN latest l ON l."accountId" = s."accountId"
    GROUP BY s."accountId", l."period"
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
  -- The leases drawn down, locked in id order like every multi-lease statement (lib/billing/spend-lease.ts):
  -- taken in the join's order they deadlocked with the holder's renewals.
  leased AS MATERIALIZED (
    SELECT l."id" FROM "SpendLease" l WHERE l."id" IN (SELECT "leaseId" FROM fresh) ORDER BY l."id" FOR UPDATE
  ),
  lease AS (
    UPDATE "SpendLease" l SET "amountMicros" = l."amountMicros" - d."amount"
    FROM (SELECT f."leaseId", SUM(f."costMicros") AS "amount" FROM fresh f JOIN leased ON leased."id" = f."leaseId" GROUP BY f."leaseId") d
    WHERE l."id" = d."leaseId"
    RETURNING 1
  )
  SELECT upd."id", upd."tier", upd."spendLimitMicros"::text, upd."creditBalanceMicros"::text, upd."monthlySpendMicros"::text,
    EXISTS (SELECT 1 FROM "PaymentMethod" p WHERE p."accountId" = upd."id" AND p."detachedAt" IS NULL) AS "hasPaymentMethod",
    (SELECT count(*) FROM led)::int AS "inserted"
  FROM upd`;

/** Column kinds, in the statement's parameter order ($1…$18). */
const KINDS = [
  "text", // requestId
  "text", // accountId
  "text", // apiKeyId
  "text", // modelId
  "text", // modelName
  "int", // promptTokens
  "int", // completionTokens
  "int", // n
  "int", // costMicros (bigint, as decimal text)
  "bool", // overLimit
  "bool", // streamed
  "bool", // abandoned
  "int", // latencyMs
  "text", // leaseId
  "text", // at
  "int", // limitRequests
  "int", // limitTokensPrompt
  "int", // limitTokensGenerated
] as const;

const INT4_MAX = 2_147_483_647;

/**
 * A limit in force as stored on the usage record (an int4 column). The limits are only chart
 * annotations there, so one beyond int4 (a policy stored before policySchema bounded them) is
 * clamped: out of range, PostgreSQL would refuse the whole record (22003), and the meter would drop
 * it — the request served but never charged.
 */
function limitColumn(limit: number): number {
  return Math.min(INT4_MAX, Math.floor(limit));
}

/** The batch as one array literal per column, in the statement's parameter order. */
function columns(items: UsageCharge[]): string[] {
  const n = items.length;
  const cols: unknown[][] = KINDS.map(() => new Array<unknown>(n));
  for (let i = 0; i < n; i++) {
    const u = items[i]!;
    cols[0]![i] = u.requestId;
    cols[1]![i] = u.accountId;
    cols[2]![i] = u.apiKeyId;
    cols[3]![i] = u.modelId;
    cols[4]![i] = u.modelName;
    cols[5]![i] = u.promptTokens;
    cols[6]![i] = u.completionTokens;
    cols[7]![i] = u.n;
    cols[8]![i] = u.costMicros.toString();
    cols[9]![i] = u.overLimit;
    cols[10]![i] = u.streamed;
    cols[11]![i] = u.abandoned;
    cols[12]![i] = u.latencyMs;
    cols[13]![i] = u.leaseId;
    cols[14]![i] = u.at.toISOString();
    cols[15]![i] = limitColumn(u.limits.requests);
    cols[16]![i] = limitColumn(u.limits.tokensPrompt);
    cols[17]![i] = limitColumn(u.limits.tokensGenerated);
  }
  return cols.map((values, c) => arrayLiteral(KINDS[c]!, values));
}

/**
 * The batch with each request id once (its first record). The gateway never records a request
 * twice, but if it did, the two ledger rows would share a key and fail the whole statement — and
 * the meter would retry that batch, and hold back everything queued behind it, forever.
 */
function oncePerRequest(items: UsageCharge[]): UsageCharge[] {
  const seen = new Set<string>();
  const once = items.filter((u) => !seen.has(u.requestId) && seen.add(u.requestId));
  return once.length === items.length ? items : once;
}

export async function chargeUsageBatch(batch: UsageCharge[]): Promise<BatchResult> {
  if (batch.length === 0) return { charged: 0, resynced: [], alerting: [] };
  const items = oncePerRequest(batch);
  const rows = await directQuery({ name: "charge_usage_batch_v5", text: CHARGE_USAGE_BATCH, values: columns(items) });
  const touched: Touched[] = rows.map((r) => ({
    id: r.id as string,
    tier: r.tier as string,
    spendLimitMicros: bigintOrNull(r.spendLimitMicros),
    creditBalanceMicros: BigInt(r.creditBalanceMicros as string),
    monthlySpendMicros: BigInt(r.monthlySpendMicros as string),
    hasPaymentMethod: r.hasPaymentMethod === true,
    inserted: Number(r.inserted),
  }));
  // Data-modifying CTEs (the lease draw-down included) run whether or not the result reads them.
  const charged = touched[0]?.inserted ?? 0;

  // Re-derive suspension only where a reason may now hold (rare). A separate short transaction:
  // the charge is already durable, and the spend lease — not the suspension flag — is what
  // prevents overshoot, so a crash between the two cannot let spend pass the limit.
  // What the batch cost each account (one pass: a batch can span many accounts): its spend before
  // the batch was at least the counter minus that.
  const costOf = new Map<string, bigint>();
  for (const u of items) costOf.set(u.accountId, (costOf.get(u.accountId) ?? 0n) + u.costMicros);
  const resynced: string[] = [];
  const alerting: string[] = [];
  for (const a of touched) {
    if (mayCrossAlert({ ...a, tier: a.tier as Tier }, costOf.get(a.id) ?? 0n)) alerting.push(a.id);
    const limit = effectiveSpendLimit(a.tier as never, a.spendLimitMicros, a.creditBalanceMicros, a.monthlySpendMicros);
    const limitReached = limit !== null && a.monthlySpendMicros >= limit && (a.tier !== "tier0" || a.spendLimitMicros !== null);
    const outOfCredits = a.creditBalanceMicros <= 0n && !a.hasPaymentMethod;
    if ((limitReached || outOfCredits) && (await resyncSuspension(a.id, items[items.length - 1]!.at))) resynced.push(a.id);
  }
  return { charged, resynced, alerting };
}

const RESYNC_ATTEMPTS = 40;
/** Accounts with a retry already scheduled: one chain of retries per account, however many batches failed. */
const resyncPending = new Set<string>();

/**
 * Re-derive an account's suspension after its charge committed. Failing here must not fail the
 * batch: the charge is durable, and a retried batch inserts nothing, so it would re-derive nothing —
 * the account would stay active past its limit (its spend lease still refuses what would overshoot)
 * until some other event re-derived it. A failure is retried on its own instead, with backoff (the
 * gateway's account-state cache sees the result within its second); should the retries run out or the
 * process stop, the minute "suspension-check" job (resync-drifted-suspensions.ts) finds the drift.
 */
async function resyncSuspension(accountId: string, at: Date, attempt = 0): Promise<boolean> {
  if (attempt === 0 && resyncPending.has(accountId)) return false;
  try {
    await db().$transaction((tx) => syncSuspension(tx, accountId, attempt === 0 ? at : new Date()));
    if (attempt > 0) {
      resyncPending.delete(accountId);
      log.info("suspension re-derived after a charge, on retry", { accountId, attempt });
    }
    return true;
  } catch (err) {
    const error = errorSummary(err);
    if (attempt + 1 >= RESYNC_ATTEMPTS) {
      resyncPending.delete(accountId);
      log.error("suspension not re-derived after a charge; left to the minute suspension check", {
        accountId,
        attempts: attempt + 1,
        error,
      });
      return false;
    }
    if (attempt === 0 || attempt % 10 === 0)
      log.warn("re-deriving suspension after a charge failed; retrying", { accountId, attempt, error });
    resyncPending.add(accountId);
    setTimeout(() => void resyncSuspension(accountId, at, attempt + 1), Math.min(30_000, 100 * 2 ** attempt)).unref();
    return false;
  }
}
