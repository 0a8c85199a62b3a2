// Reconciliation (SPEC §2): recompute each account's cached counters — credit balance, monthly
// spend (of the month spendPeriod falls in), historical spend — from the append-only ledger with the
// rule in ledger-effects.ts, and report every difference: returned, logged, and recorded as an
// AuditLog row (`reconcile.difference`) for operators. With `repair`, the counters are set to the
// ledger's values (the ledger is the truth), also audited.
//
// Consistency: a full scan compares without locks; each account that differs is re-checked under
// its row lock (charges lock the account before they write), so a charge committing mid-scan is
// never reported as a difference.
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import { log } from "../log";
import { usdString } from "../money";
import { CHARGE_KINDS } from "./ledger-effects";
import { lockAccount, type Tx } from "./lock-account";
import { syncSuspension } from "./suspension";

export type CounterField = "creditBalance" | "monthlySpend" | "historicalSpend";

export interface BalanceDifference {
  accountId: string;
  field: CounterField;
  counterMicros: bigint;
  ledgerMicros: bigint;
}

export type ReconcileResult =
  { ok: true; checked: number; differences: BalanceDifference[]; repaired: boolean } | { ok: false; reason: "no_account"; message: string };

type Row = {
  id: string;
  creditBalanceMicros: bigint;
  monthlySpendMicros: bigint;
  historicalMicros: bigint;
  ledgerCredit: bigint;
  ledgerMonthly: bigint;
  ledgerHistorical: bigint;
};

const CHARGE_KIND_SQL = Prisma.join(CHARGE_KINDS.map((k) => Prisma.sql`${k}::"LedgerKind"`));

function countersQuery(accountId: string | null): Prisma.Sql {
  return Prisma.sql`
    SELECT a."id", a."creditBalanceMicros", a."monthlySpendMicros", a."historicalMicros",
      COALESCE(l."credit", 0)::bigint AS "ledgerCredit",
      COALESCE(l."monthly", 0)::bigint AS "ledgerMonthly",
      COALESCE(l."historical", 0)::bigint AS "ledgerHistorical"
    FROM "Account" a
    LEFT JOIN LATERAL (
      SELECT SUM(e."amountMicros") AS "credit",
        SUM(CASE WHEN e."kind" IN ('credit_purchase'::"LedgerKind", 'refund'::"LedgerKind") THEN e."amountMicros"
                 WHEN e."kind" = 'invoice_payment'::"LedgerKind" THEN e."invoiceMicros" ELSE 0 END) AS "historical",
        SUM(CASE WHEN e."kind" IN (${CHARGE_KIND_SQL}) AND e."period" = date_trunc('month', a."spendPeriod", 'UTC')
                 THEN e."creditMicros" + e."invoiceMicros" ELSE 0 END) AS "monthly"
      FROM "LedgerEntry" e WHERE e."accountId" = a."id"
    ) l ON true
    ${accountId === null ? Prisma.empty : Prisma.sql`WHERE a."id" = ${accountId}`}
    ORDER BY a."id"`;
}

function differencesOf(r: Row): BalanceDifference[] {
  const out: BalanceDifference[] = [];
  const push = (field: CounterField, counterMicros: bigint, ledgerMicros: bigint) => {
    if (counterMicros !== ledgerMicros) out.push({ accountId: r.id, field, counterMicros, ledgerMicros });
  };
  push("creditBalance", r.creditBalanceMicros, r.ledgerCredit);
  push("monthlySpend", r.monthlySpendMicros, r.ledgerMonthly);
  push("historicalSpend", r.historicalMicros, r.ledgerHistorical);
  return out;
}

export async function reconcileBalances(opts: { accountId?: string; repair?: boolean } = {}): Promise<ReconcileResult> {
  const scan = await db().$queryRaw<Row[]>(countersQuery(opts.accountId ?? null));
  if (opts.accountId && scan.length === 0) return { ok: false, reason: "no_account", message: "account not found" };
  const suspects = scan.filter((r) => differencesOf(r).length > 0).map((r) => r.id);
  const differences: BalanceDifference[] = [];
  for (const accountId of suspects) {
    differences.push(...(await recheck(accountId, opts.repair ?? false)));
  }
  if (differences.length > 0) {
    log.warn("ledger reconciliation found differences", {
      accounts: new Set(differences.map((d) => d.accountId)).size,
      repaired: opts.repair ?? false,
      differences: differences.map(view),
    });
  } else {
    log.info("ledger reconciliation: counters match the ledger", { checked: scan.length });
  }
  return { ok: true, checked: scan.length, differences, repaired: (opts.repair ?? false) && differences.length > 0 };
}

async function recheck(accountId: string, repair: boolean): Promise<BalanceDifference[]> {
  return db().$transaction(async (tx: Tx) => {
    if (!(await lockAccount(tx, accountId))) return [];
    const row = (await tx.$queryRaw<Row[]>(countersQuery(accountId)))[0];
    if (!row) return [];
    const diffs = differencesOf(row);
    if (diffs.length === 0) return [];
    await tx.auditLog.create({
      data: { accountId, action: "reconcile.difference", detail: { differences: diffs.map(view), repaired: repair } },
    });
    if (repair) {
      await tx.account.update({
        where: { id: accountId },
        data: { creditBalanceMicros: row.ledgerCredit, monthlySpendMicros: row.ledgerMonthly, historicalMicros: row.ledgerHistorical },
      });
      await syncSuspension(tx, accountId);
    }
    return diffs;
  });
}

export function view(d: BalanceDifference) {
  return { accountId: d.accountId, field: d.field, counterUsd: usdString(d.counterMicros), ledgerUsd: usdString(d.ledgerMicros) };
}
