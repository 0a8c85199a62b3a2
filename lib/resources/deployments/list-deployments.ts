// GET /api/v1/deployments(/{id})'s verbs. Reading also moves deployments whose simulated start-up
// is over from `starting` to `running` (no money moves here; the metering job charges).
import { db } from "../../db";
import type { Prisma } from "../../db/generated/client";
import { notFound, type Outcome } from "../../quotas/outcome";
import { readyIfStartedBy } from "./timing";
import { DEPLOYMENT_SELECT, toDeploymentView, type DeploymentView } from "./view";

type Q = Prisma.TransactionClient;

export async function promoteReadyDeployments(q: Q, accountId: string, now: Date): Promise<void> {
  await q.deployment.updateMany({
    where: { accountId, state: "starting", startedAt: { lte: readyIfStartedBy(now) } },
    data: { state: "running" },
  });
}

/** Total charged per deployment (credit part + invoice part of its ledger entries). */
export async function chargedByDeployment(q: Q, accountId: string, ids: string[]): Promise<Map<string, bigint>> {
  if (ids.length === 0) return new Map();
  const sums = await q.ledgerEntry.groupBy({
    by: ["deploymentId"],
    where: { accountId, deploymentId: { in: ids } },
    _sum: { creditMicros: true, invoiceMicros: true },
  });
  return new Map(sums.map((s) => [s.deploymentId ?? "", (s._sum.creditMicros ?? 0n) + (s._sum.invoiceMicros ?? 0n)]));
}

export async function listDeployments(accountId: string, now = new Date()): Promise<DeploymentView[]> {
  await promoteReadyDeployments(db(), accountId, now);
  const rows = await db().deployment.findMany({
    where: { accountId, deletedAt: null },
    select: DEPLOYMENT_SELECT,
    orderBy: { createdAt: "desc" },
  });
  const charged = await chargedByDeployment(
    db(),
    accountId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toDeploymentView(r, charged.get(r.id) ?? 0n));
}

export async function getDeployment(accountId: string, id: string, now = new Date()): Promise<Outcome<{ deployment: DeploymentView }>> {
  await promoteReadyDeployments(db(), accountId, now);
  const row = await db().deployment.findFirst({ where: { id, accountId, deletedAt: null }, select: DEPLOYMENT_SELECT });
  if (!row) return notFound("deployment");
  const charged = await chargedByDeployment(db(), accountId, [row.id]);
  return { ok: true, deployment: toDeploymentView(row, charged.get(row.id) ?? 0n) };
}
