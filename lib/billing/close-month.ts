// Month close (SPEC §4): the previous month's usage not covered by credits becomes an invoice with
// a line per model / deployment / fine-tuning job, each counting the usage its amount pays for
// (describeLine); zero → no invoice; the fraction of a cent left
// after credits is waived (waive-cent-fractions.ts), so what is charged is whole cents; earlier
// invoices with less than the minimum card charge due are carried into it (carry-small-invoices.ts),
// and one that is itself under that minimum is not sent but carried in its turn. The same
// pass rolls every account's spend period and re-derives suspension (a new month lifts
// `spend_limit_reached`).
//
// Exactly once per account and month, however many instances run it at once: each account is
// closed in its own transaction that (1) locks the account row, (2) inserts the invoice with
// ON CONFLICT on the unique (accountId, period), and (3) claims the uninvoiced ledger entries
// with one UPDATE … RETURNING, so an entry can only ever be on one invoice. Entries that arrive
// late for a closed month stay uninvoiced and are billed by the next close (period ≤ P).
import { randomUUID } from "node:crypto";
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import { notify } from "../alerts/notify";
import { errorSummary, log } from "../log";
import { usdString } from "../money";
import { belowMinimumCharge, MINIMUM_CARD_CHARGE } from "./amounts";
import { carrySmallInvoices } from "./carry-small-invoices";
import { invoicedQuantity } from "./invoiced-quantity";
import { CHARGE_KINDS } from "./ledger-effects";
import { lockAccount, type Tx } from "./lock-account";
import { payInvoicesFromCredits } from "./pay-invoices-from-credits";
import { monthStart, parsePeriodLabel, periodLabel } from "./period";
import { postLedgerEntry } from "./post-ledger-entry";
import { rollSpendPeriod } from "./roll-spend-period";
import { syncSuspension } from "./suspension";
import { waiveCentFractions } from "./waive-cent-fractions";

export type AccountCloseOutcome =
  | { accountId: string; outcome: "invoiced"; invoiceId: string; totalMicros: bigint; paidFromCreditsMicros: bigint }
  | { accountId: string; outcome: "already_invoiced"; invoiceId: string }
  | { accountId: string; outcome: "nothing_to_bill" };

export type CloseMonthResult =
  | {
      ok: true;
      period: string;
      accounts: number;
      invoiced: { accountId: string; invoiceId: string; totalMicros: bigint }[];
      alreadyInvoiced: number;
      failed: { accountId: string; error: string }[];
    }
  | { ok: false; reason: "invalid_period" | "period_not_over" | "no_account"; message: string };

const CHARGE_KIND_SQL = Prisma.join(CHARGE_KINDS.map((k) => Prisma.sql`${k}::"LedgerKind"`));

/** Resolve "2026-10" or a Date to the month's first day. */
export function resolvePeriod(period: Date | string): Date | null {
  if (period instanceof Date) return Number.isNaN(period.getTime()) ? null : monthStart(period);
  return typeof period === "string" ? parsePeriodLabel(period) : null;
}

export async function closeMonth(input: { period: Date | string; accountId?: string; now?: Date }): Promise<CloseMonthResult> {
  const now = input.now ?? new Date();
  const period = resolvePeriod(input.period);
  if (!period) return { ok: false, reason: "invalid_period", message: 'period: must be a month, "YYYY-MM"' };
  if (period.getTime() >= monthStart(now).getTime()) {
    return { ok: false, reason: "period_not_over", message: `period: ${periodLabel(period)} has not ended yet` };
  }
  const ids = input.accountId ? [input.accountId] : await allAccountIds();
  const result = {
    ok: true as const,
    period: periodLabel(period),
    accounts: 0,
    invoiced: [] as { accountId: string; invoiceId: string; totalMicros: bigint }[],
    alreadyInvoiced: 0,
    failed: [] as { accountId: string; error: string }[],
  };
  for (const accountId of ids) {
    try {
      const closed = await closeAccountMonth(accountId, period, now);
      if (!closed) {
        if (input.accountId) return { ok: false, reason: "no_account", message: "account not found" };
        continue;
      }
      result.accounts++;
      if (closed.outcome === "invoiced") result.invoiced.push({ accountId, invoiceId: closed.invoiceId, totalMicros: closed.totalMicros });
      if (closed.outcome === "already_invoiced") result.alreadyInvoiced++;
    } catch (err) {
      // One account's failure must not stop the others; the job reports it and a re-run retries it.
      const error = errorSummary(err);
      log.error("month close failed for an account", { accountId, period: result.period, error });
      result.failed.push({ accountId, error });
    }
  }
  return result;
}

async function allAccountIds(): Promise<string[]> {
  const rows = await db().account.findMany({ select: { id: true }, orderBy: { id: "asc" } });
  return rows.map((r) => r.id);
}

/** Close one account's month; null when the account does not exist. Safe to run concurrently. */
export async function closeAccountMonth(accountId: string, period: Date, now = new Date()): Promise<AccountCloseOutcome | null> {
  // An operator replaying an old close ("as of" a past time) must not re-derive today's
  // suspension from a past month: spend periods and suspension only ever move forward.
  const present = now.getTime() > Date.now() ? now : new Date();
  return db().$transaction(
    async (tx) => {
      if (!(await lockAccount(tx, accountId))) return null;
      await rollSpendPeriod(tx, accountId, present);
      const outcome = await draftInvoice(tx, accountId, period, now);
      // Any older draft not sent yet whose amount due is not whole cents (drafted before month close
      // waived fractions) is made whole here too; one with under a cent due is paid, never left draft.
      await waiveCentFractions(tx, accountId, now);
      await syncSuspension(tx, accountId, present);
      return outcome;
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
}

async function draftInvoice(tx: Tx, accountId: string, period: Date, now: Date): Promise<AccountCloseOutcome> {
  const existing = await tx.invoice.findUnique({ where: { accountId_period: { accountId, period } }, select: { id: true } });
  if (existing) return { accountId, outcome: "already_invoiced", invoiceId: existing.id };
  const pending = await tx.$queryRaw<{ total: bigint }[]>`
    SELECT COALESCE(SUM("invoiceMicros"), 0)::bigint AS "total" FROM "LedgerEntry"
    WHERE "accountId" = ${accountId} AND "invoiceId" IS NULL AND "period" <= ${period} AND "invoiceMicros" > 0
      AND "kind" IN (${CHARGE_KIND_SQL})`;
  if ((pending[0]?.total ?? 0n) <= 0n) return { accountId, outcome: "nothing_to_bill" };

  const invoiceId = `inv_${randomUUID().replaceAll("-", "")}`;
  const created = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Invoice" ("id", "accountId", "period", "status", "totalMicros", "createdAt", "updatedAt")
    VALUES (${invoiceId}, ${accountId}, ${period}, 'draft'::"InvoiceStatus", 0, ${now}, ${now})
    ON CONFLICT ("accountId", "period") DO NOTHING RETURNING "id"`;
  if (created.length === 0) {
    const other = await tx.invoice.findUniqueOrThrow({ where: { accountId_period: { accountId, period } }, select: { id: true } });
    return { accountId, outcome: "already_invoiced", invoiceId: other.id };
  }
  // One group per line: a model's usage; a deployment at each size it ran at; a fine-tuning job. The
  // charges credits paid in part are listed one by one (few: where the credits ran out), so the line
  // counts only the part of them it bills (invoiced-quantity.ts).
  // Training steps that cost nothing (their tokens paid by the job's rounding up) go with their job's
  // charges of the same month onto its line; without such a charge they are on no invoice.
  const groups = await tx.$queryRaw<Group[]>`
    WITH claimed AS (
      UPDATE "LedgerEntry" e SET "invoiceId" = ${invoiceId}
      WHERE e."accountId" = ${accountId} AND e."invoiceId" IS NULL AND e."period" <= ${period} AND e."kind" IN (${CHARGE_KIND_SQL})
        AND (e."invoiceMicros" > 0 OR (e."kind" = 'fine_tuning_charge' AND e."invoiceMicros" = 0 AND e."creditMicros" = 0
          AND EXISTS (SELECT 1 FROM "LedgerEntry" o
            WHERE o."accountId" = e."accountId" AND o."invoiceId" IS NULL AND o."kind" = 'fine_tuning_charge'
              AND o."fineTuningJobId" = e."fineTuningJobId" AND o."period" = e."period" AND o."invoiceMicros" > 0)))
      RETURNING e."kind", e."modelName", e."deploymentId", e."fineTuningJobId", e."invoiceMicros", e."creditMicros",
        e."usageRecordId", e."quantity", e."gpuType", e."gpuCount"
    ), measured AS (
      SELECT c.*, u."promptTokens"::bigint + u."completionTokens"::bigint AS "tokens"
      FROM claimed c LEFT JOIN "UsageRecord" u ON u."id" = c."usageRecordId"
    )
    SELECT c."kind"::text AS "kind",
      COALESCE(CASE c."kind" WHEN 'usage_charge' THEN c."modelName" WHEN 'deployment_charge' THEN c."deploymentId"
        ELSE c."fineTuningJobId" END, 'unknown') AS "subject",
      c."modelName" AS "modelName", c."gpuType"::text AS "gpuType", c."gpuCount" AS "gpuCount",
      SUM(c."invoiceMicros")::bigint AS "amount", COUNT(*)::bigint AS "charges",
      COUNT(c."quantity")::bigint AS "measured", COALESCE(SUM(c."quantity"), 0)::bigint AS "quantity",
      COALESCE(SUM(c."tokens"), 0)::bigint AS "tokens",
      COALESCE(json_agg(json_build_object('quantity', c."quantity"::text, 'tokens', c."tokens"::text,
        'invoiceMicros', c."invoiceMicros"::text, 'creditMicros', c."creditMicros"::text)) FILTER (WHERE c."creditMicros" > 0),
        '[]'::json) AS "partlyPaid",
      COUNT(*) FILTER (WHERE c."invoiceMicros" = 0)::bigint AS "freeCharges",
      COALESCE(SUM(c."quantity") FILTER (WHERE c."invoiceMicros" = 0), 0)::bigint AS "freeQuantity"
    FROM measured c
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 5, 4`;
  const charged = groups.reduce((sum, g) => sum + g.amount, 0n);
  if (charged <= 0n) {
    await tx.invoice.delete({ where: { id: invoiceId } });
    return { accountId, outcome: "nothing_to_bill" };
  }
  const lines = groups.map(describeLine);
  await tx.invoiceLine.createMany({ data: lines.map((line) => ({ ...line, invoiceId })) });
  // Earlier invoices with less than a card can be charged due are taken over by this one (a line each).
  const carried = await carrySmallInvoices(tx, accountId, { id: invoiceId, period }, now);
  const carriedMicros = carried.reduce((sum, c) => sum + c.amountMicros, 0n);
  const total = charged + carriedMicros;
  await tx.invoice.update({ where: { id: invoiceId }, data: { totalMicros: total } });
  await postLedgerEntry(tx, {
    accountId,
    kind: "invoice",
    amountMicros: 0n,
    invoiceMicros: total,
    invoiceId,
    idempotencyKey: `invoice:${invoiceId}`,
    description: `Invoice ${periodLabel(period)}: usage not covered by credits`,
    at: now,
  });
  // Credits on hand settle the new invoice first (SPEC §4: usage draws from credits first); the
  // fraction of a cent left, which a card cannot be charged, is waived (waive-cent-fractions.ts).
  const paid = await payInvoicesFromCredits(tx, accountId, "close", now, invoiceId);
  const paidFromCredits = paid.reduce((sum, p) => sum + p.amountMicros, 0n);
  const [waiver] = await waiveCentFractions(tx, accountId, now, invoiceId);
  const due = total - paidFromCredits - (waiver?.waivedMicros ?? 0n);
  const includes = carriedMicros > 0n ? `It includes $${usdString(carriedMicros)} carried from earlier invoices. ` : "";
  const fromCredits = paidFromCredits > 0n ? `$${usdString(paidFromCredits)} was paid from your credits; ` : "";
  const waived = waiver ? ` (the $${usdString(waiver.waivedMicros)} under a whole cent is waived)` : "";
  await notify(tx, {
    accountId,
    kind: "invoice_issued",
    title: `Invoice for ${periodLabel(period)}: $${usdString(total)}`,
    body:
      includes +
      (waiver?.paid
        ? `${fromCredits}$${usdString(waiver.waivedMicros)} is less than a cent, which cannot be charged to a card: it is waived.`
        : due <= 0n
          ? `It was paid in full from your credits.`
          : belowMinimumCharge(due)
            ? `${fromCredits}$${usdString(due)} is less than $${usdString(MINIMUM_CARD_CHARGE)}, the smallest amount a card can be charged: it is not charged now but added to your next invoice${waived} — or paid by credits you buy before then.`
            : `${fromCredits}$${usdString(due)} will be charged to your payment method${waived}.`),
    dedupeKey: `invoice:${invoiceId}:issued`,
  });
  return { accountId, outcome: "invoiced", invoiceId, totalMicros: total, paidFromCreditsMicros: paidFromCredits };
}

interface Group {
  kind: string;
  subject: string;
  modelName: string | null;
  gpuType: string | null;
  gpuCount: number | null;
  amount: bigint;
  /** Ledger entries in the group, and how many of them recorded a quantity. */
  charges: bigint;
  measured: bigint;
  quantity: bigint;
  tokens: bigint;
  /** The entries credits paid in part (amounts and quantities as decimal strings; JSON text on some drivers). */
  partlyPaid: PartlyPaidRow[] | string;
  /** Entries that cost nothing, and their quantity. */
  freeCharges: bigint;
  freeQuantity: bigint;
}

interface PartlyPaidRow {
  quantity: string | null;
  tokens: string | null;
  invoiceMicros: string;
  creditMicros: string;
}

const count = (n: bigint, unit: string) => `${n.toLocaleString("en-US")} ${unit}${n === 1n ? "" : "s"}`;

type Unit = "quantity" | "tokens" | "charges";

/**
 * The line's quantity in its unit — the usage its amount pays for (invoiced-quantity.ts): charges
 * credits paid in part count for the part the invoice pays. `unit` says what one charge counts:
 * its recorded quantity, its usage record's tokens, or 1 (legacy charges recorded without either).
 */
function billedQuantity(g: Group, unit: Unit): bigint {
  const rows: PartlyPaidRow[] = typeof g.partlyPaid === "string" ? (JSON.parse(g.partlyPaid) as PartlyPaidRow[]) : g.partlyPaid;
  const partlyPaid = rows.map((r) => ({
    quantity: unit === "charges" ? 1n : BigInt((unit === "tokens" ? r.tokens : r.quantity) ?? "0"),
    invoiceMicros: BigInt(r.invoiceMicros),
    creditMicros: BigInt(r.creditMicros),
  }));
  const free = unit === "charges" ? g.freeCharges : unit === "tokens" ? 0n : g.freeQuantity;
  const all = unit === "charges" ? g.charges : unit === "tokens" ? g.tokens : g.quantity;
  const fullQuantity = all - free - partlyPaid.reduce((sum, p) => sum + p.quantity, 0n);
  return invoicedQuantity({ amountMicros: g.amount, fullQuantity, partlyPaid, freeQuantity: free });
}

/**
 * A line as the customer reads it, from what metering recorded: serverless usage in tokens; a
 * deployment in GPU-minutes at one size ("Deployment d1 (hr-small-8b, 2 × H100): 720 minutes",
 * 1,440 GPU-minutes); a fine-tuning job in training tokens. Charges recorded without a quantity
 * (none since the ledger keeps one) are counted as what they were: minutes, progress steps.
 *
 * The quantity is what the line's amount pays for, not all that was metered: usage credits paid for
 * is on no invoice, and a charge credits paid in part — the minute in which they ran out — counts
 * for the part the invoice pays, the line's total rounded half up to its unit (invoiced-quantity.ts).
 * A deployment line counts such a minute among its minutes and says so ("8 minutes, 1 of them
 * partly paid from credits": 7.549 GPU-minutes billed at one GPU, shown as 8).
 */
export function describeLine(g: Group) {
  const measured = g.measured === g.charges;
  const partly = BigInt(typeof g.partlyPaid === "string" ? (JSON.parse(g.partlyPaid) as unknown[]).length : g.partlyPaid.length);
  if (g.kind === "usage_charge") {
    const byTokens = g.tokens > 0n;
    return {
      subject: `model:${g.subject}`,
      description: `Serverless inference — ${g.subject}`,
      quantity: billedQuantity(g, byTokens ? "tokens" : "charges"),
      unit: byTokens ? "tokens" : "requests",
      amountMicros: g.amount,
    };
  }
  if (g.kind === "deployment_charge") {
    const size = g.gpuCount !== null && g.gpuType !== null ? `${g.gpuCount} × ${g.gpuType}` : null;
    const what = [g.modelName, size].filter(Boolean).join(", ");
    const minutes = count(g.charges, "minute") + (partly > 0n ? `, ${partly} of them partly paid from credits` : "");
    return {
      subject: `deployment:${g.subject}`,
      description: `Deployment ${g.subject}${what ? ` (${what})` : ""}: ${minutes}`,
      quantity: billedQuantity(g, measured && size ? "quantity" : "charges"),
      unit: measured && size ? "GPU-minutes" : "minutes",
      amountMicros: g.amount,
    };
  }
  return {
    subject: `fine_tuning:${g.subject}`,
    description: `Fine-tuning job ${g.subject}${g.modelName ? ` (${g.modelName})` : ""}`,
    quantity: billedQuantity(g, measured ? "quantity" : "charges"),
    unit: measured ? "training tokens" : "progress steps",
    amountMicros: g.amount,
  };
}
