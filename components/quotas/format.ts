// Pure helpers for the quotas page: labels and the spend-limit bound check (exact decimals).
import { displayUsd, parseUsd } from "@/lib/money";

export const QUOTA_LABEL: Record<string, { label: string; unit: string; help: string }> = {
  "monthly-spend-usd": {
    label: "Monthly spend limit",
    unit: "USD",
    help: "All usage this calendar month (UTC), credits included. Set by you within your tier's cap.",
  },
  "deployed-models": { label: "Deployed models", unit: "models", help: "Custom models and LoRA adapters." },
  "a100-gpus": { label: "A100 GPUs", unit: "GPUs", help: "GPUs in on-demand A100 deployments." },
  "h100-gpus": { label: "H100 GPUs", unit: "GPUs", help: "GPUs in on-demand H100 deployments." },
};

/** Usage as a share of a count quota, 0–100. */
export function countPercent(usage: number, value: number): number {
  if (value <= 0) return usage > 0 ? 100 : 0;
  return Math.min(100, Math.round((usage / value) * 100));
}

/**
 * The client-side bound check of a spend limit the schema already accepted: 0 ≤ value ≤ cap.
 * Returns the message to show by the field, naming the bound, or null. The API checks it again.
 */
export function spendLimitBoundError(value: string, capUsd: string | null, tierLabel: string): string | null {
  if (capUsd === null) return null;
  if (parseUsd(value) > parseUsd(capUsd)) return `must be between $0.00 and ${displayUsd(parseUsd(capUsd))}, the ${tierLabel} cap`;
  return null;
}
