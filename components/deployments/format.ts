// Pure helpers for the deployments & fine-tuning page: state labels, exact prices (decimal USD
// strings shown as they are, never recomputed), token counts, and which quota a form ran into.
import { parseUsd } from "@/lib/money";
import type { BadgeTone } from "@/components/ui/badge";
import { ApiError } from "@/components/console/api";

export const DEPLOYMENT_STATE: Record<string, { label: string; tone: BadgeTone }> = {
  starting: { label: "Starting", tone: "warning" },
  running: { label: "Running", tone: "success" },
  stopped: { label: "Stopped", tone: "neutral" },
};

export const FINE_TUNING_STATE: Record<string, { label: string; tone: BadgeTone }> = {
  queued: { label: "Queued", tone: "neutral" },
  running: { label: "Running", tone: "info" },
  paused: { label: "Paused", tone: "warning" },
  completed: { label: "Completed", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

export const MODEL_KIND: Record<string, string> = { model: "Custom model", lora: "LoRA adapter" };

/** The quota each GPU type counts toward (SPEC §8). */
export const GPU_QUOTA_NAME = { A100: "a100-gpus", H100: "h100-gpus" } as const;

/**
 * An exact USD string for people, keeping sub-cent digits a price needs: "0.040800" → "$0.0408",
 * "12.500000" → "$12.50", "1234.5" → "$1,234.50". Digits only move; nothing is rounded.
 */
export function exactUsd(usd: string): string {
  const micros = parseUsd(usd);
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = (abs / 1_000_000n).toLocaleString("en-US");
  const frac = (abs % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${negative ? "-" : ""}$${whole}.${frac}`;
}

/** 1200000 → "1,200,000". */
export function tokenCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** "2.4M", "350K", "900" — short token counts for narrow cells. */
export function compactTokens(n: number): string {
  if (n >= 1_000_000_000) return `${trimZero((n / 1_000_000_000).toFixed(1))}B`;
  if (n >= 1_000_000) return `${trimZero((n / 1_000_000).toFixed(1))}M`;
  if (n >= 1_000) return `${trimZero((n / 1_000).toFixed(1))}K`;
  return String(n);
}

function trimZero(s: string): string {
  return s.endsWith(".0") ? s.slice(0, -2) : s;
}

/** "3 × A100". */
export function gpuLabel(count: number, type: string): string {
  return `${count} × ${type}`;
}

/** A whole number typed in a field goes as a number; anything else as typed, so the schema names the problem. */
export function wholeNumberInput(text: string): number | string {
  const t = text.trim().replaceAll(",", "").replaceAll("_", "");
  return /^\d{1,15}$/.test(t) ? Number(t) : text;
}

/** The API refused because a quota would be exceeded (422): its message names the quota, value and usage. */
export function isQuotaExceeded(err: unknown): boolean {
  return err instanceof ApiError && err.code === "quota_exceeded";
}

/** Where a deployment is in its run, for the list: "Ready 14:05", "Since 14:05", "Stopped 15:10 — stopped by the owner". */
export function deploymentTiming(
  d: { state: string; readyAt: string | null; startedAt: string | null; stoppedAt: string | null; stoppedReason: string | null },
  fmt: (iso: string) => string,
): string {
  if (d.state === "starting") return d.readyAt ? `Ready at ${fmt(d.readyAt)}` : "Starting";
  if (d.state === "running") return d.readyAt ? `Running since ${fmt(d.readyAt)}` : "Running";
  const when = d.stoppedAt ? `Stopped ${fmt(d.stoppedAt)}` : "Stopped";
  return d.stoppedReason ? `${when} — ${d.stoppedReason}` : when;
}
