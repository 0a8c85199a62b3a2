// Prices of the resources that are charged by time or by volume rather than per request (SPEC §8).
// Integer micro-USD, like every amount (SPEC §2).
import type { GpuType } from "../db/generated/enums";
import { ceilDiv, parseUsd, type Micros } from "../money";

/** Per GPU and whole minute a deployment runs: A100 $0.0408 (≈ $2.45/h), H100 $0.0667 (≈ $4.00/h). */
export const GPU_MINUTE_PRICE: Record<GpuType, Micros> = {
  A100: parseUsd("0.0408"),
  H100: parseUsd("0.0667"),
};

/** Per 1M training tokens (dataset tokens × epochs), whatever the base model. */
export const FINE_TUNING_PRICE_PER_MTOK: Micros = parseUsd("0.50");

export function deploymentMinuteCost(gpuType: GpuType, gpuCount: number): Micros {
  return GPU_MINUTE_PRICE[gpuType] * BigInt(gpuCount);
}

/**
 * What the first `tokens` training tokens of a job cost in total. Incremental charges are
 * differences of this function, so however the progress is sliced the sum is the same
 * (ceil of the whole), never a rounding per slice.
 */
export function trainingCostThrough(tokens: bigint): Micros {
  return ceilDiv(tokens * FINE_TUNING_PRICE_PER_MTOK, 1_000_000n);
}
