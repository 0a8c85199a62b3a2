// GET /api/v1/usage's verb: the usage series, refusing a `model` the account cannot have usage of.
// A typo in `?model=` would otherwise be an all-zero series, which reads as "no usage".
import { db } from "../db";
import type { UsageQuery } from "./schemas";
import { usageSeries, type UsageSeries } from "./usage-series";

export type UsageOutcome = { ok: true; usage: UsageSeries } | { ok: false; reason: "model_not_found"; message: string };

export async function getUsage(accountId: string, q: UsageQuery, now = new Date()): Promise<UsageOutcome> {
  if (q.model !== undefined && !(await isKnownModel(accountId, q.model))) {
    return {
      ok: false,
      reason: "model_not_found",
      message: `model: no model named "${q.model}"; name one GET /v1/models lists or one of your custom models (GET /api/v1/models)`,
    };
  }
  return { ok: true, usage: await usageSeries(accountId, q, now) };
}

/** A catalogue model — retired ones too, their usage stays — or one of the account's custom models. */
async function isKnownModel(accountId: string, name: string): Promise<boolean> {
  const [catalogue, custom] = await Promise.all([
    db().model.count({ where: { name } }),
    db().customModel.count({ where: { accountId, name, deletedAt: null } }),
  ]);
  return catalogue + custom > 0;
}
