// The quotas of SPEC §8: their API names, defaults and database names.
import type { QuotaName } from "../db/generated/enums";

export const COUNT_QUOTAS = [
  { name: "deployed-models", db: "deployed_models", default: 100 },
  { name: "a100-gpus", db: "a100_gpus", default: 8 },
  { name: "h100-gpus", db: "h100_gpus", default: 8 },
] as const satisfies readonly { name: string; db: QuotaName; default: number }[];

export const QUOTA_NAMES = ["monthly-spend-usd", ...COUNT_QUOTAS.map((q) => q.name)] as const;
export type QuotaApiName = (typeof QUOTA_NAMES)[number];
