// Append one ledger entry and move the account's derived counters in the same transaction.
// Idempotent on the entry's natural key: a second post with the same key changes nothing.
import type { Prisma } from "../db/generated/client";
import type { GpuType, LedgerKind } from "../db/generated/enums";
import { monthStart } from "./period";

type Tx = Prisma.TransactionClient;

export interface LedgerPosting {
  accountId: string;
  kind: LedgerKind;
  /** Signed: + adds to the credit balance, − draws from it. */
  amountMicros: bigint;
  idempotencyKey: string;
  description: string;
  at?: Date;
  /** Counts toward monthly spend (usage, deployment, fine-tuning charges). */
  spendMicros?: bigint;
  /** Counts toward historical spend (credit purchases, paid invoices). */
  historicalMicros?: bigint;
  creditMicros?: bigint;
  invoiceMicros?: bigint;
  invoiceId?: string;
  usageRecordId?: string;
  deploymentId?: string;
  fineTuningJobId?: string;
  modelName?: string;
  /** Metered charges: GPU-minutes (deployment) or training tokens (fine-tuning) — what the invoice line counts. */
  quantity?: bigint;
  /** Deployment charges: the size the minute ran at. */
  gpuType?: GpuType;
  gpuCount?: number;
  createdBy?: string;
}

export type PostResult = { posted: true; entryId: string } | { posted: false; reason: "duplicate" };

export async function postLedgerEntry(tx: Tx, p: LedgerPosting): Promise<PostResult> {
  const at = p.at ?? new Date();
  const period = monthStart(at);
  // ON CONFLICT DO NOTHING keeps the transaction usable on a duplicate (a unique violation would abort it).
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "LedgerEntry" ("id", "accountId", "kind", "amountMicros", "creditMicros", "invoiceMicros",
      "idempotencyKey", "description", "period", "invoiceId", "usageRecordId", "deploymentId",
      "fineTuningJobId", "modelName", "quantity", "gpuType", "gpuCount", "createdBy", "createdAt")
    VALUES (${"le_" + crypto.randomUUID().replaceAll("-", "")}, ${p.accountId}, ${p.kind}::"LedgerKind",
      ${p.amountMicros}, ${p.creditMicros ?? 0n}, ${p.invoiceMicros ?? 0n}, ${p.idempotencyKey},
      ${p.description}, ${period}, ${p.invoiceId ?? null}, ${p.usageRecordId ?? null},
      ${p.deploymentId ?? null}, ${p.fineTuningJobId ?? null}, ${p.modelName ?? null},
      ${p.quantity ?? null}::bigint, ${p.gpuType ?? null}::"GpuType", ${p.gpuCount ?? null}::integer,
      ${p.createdBy ?? null}, ${at})
    ON CONFLICT ("idempotencyKey") DO NOTHING
    RETURNING "id"`;
  const row = inserted[0];
  if (!row) return { posted: false, reason: "duplicate" };
  await tx.account.update({
    where: { id: p.accountId },
    data: {
      creditBalanceMicros: { increment: p.amountMicros },
      ...(p.spendMicros ? { monthlySpendMicros: { increment: p.spendMicros } } : {}),
      ...(p.historicalMicros ? { historicalMicros: { increment: p.historicalMicros } } : {}),
    },
  });
  return { posted: true, entryId: row.id };
}
