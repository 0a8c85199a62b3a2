// The quotas of SPEC §8: their API names, defaults and database names.
import type { GpuType, QuotaName } from "../db/generated/enums";

export const COUNT_QUOTAS = [
  { name: "deployed-models", db: "deployed_models", default: 100 },
  { name: "a100-gpus", db: "a100_gpus", default: 8 },
  { name: "h100-gpus", db: "h100_gpus", default: 8 },
] as const satisfies readonly { name: string; db: QuotaName; default: number }[];

export const QUOTA_NAMES = ["monthly-spend-usd", ...COUNT_QUOTAS.map((q) => q.name)] as const;
export type QuotaApiName = (typeof QUOTA_NAMES)[number];

/** The quotas that count resources (raised by operators or through quota requests). */
export type CountQuotaName = (typeof COUNT_QUOTAS)[number]["name"];
export type CountQuota = (typeof COUNT_QUOTAS)[number];
export const COUNT_QUOTA_NAMES = COUNT_QUOTAS.map((q) => q.name) as [CountQuotaName, ...CountQuotaName[]];

/** Largest value an operator may set or an owner may request (a typo guard, not a policy). */
export const MAX_QUOTA_VALUE = 100_000;

export function countQuota(name: string): CountQuota | null {
  return COUNT_QUOTAS.find((q) => q.name === name) ?? null;
}

/** Which quota a deployment's GPUs count toward. */
export const GPU_QUOTA: Record<GpuType, CountQuotaName> = { A100: "a100-gpus", H100: "h100-gpus" };
