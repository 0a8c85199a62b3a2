// Pure formatters for table output: money as "$1,234.50" (exact, from the API's decimal strings),
// counts with separators, UTC timestamps, tiers by their ladder labels, and a text sparkline.
import { tierRule } from "../../lib/billing/tiers";
import type { Tier } from "../../lib/db/generated/enums";
import { parseUsd, usdString } from "../../lib/money";

export const NONE = "—";

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

const thousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** "1234.5" → "$1,234.50", "0.000900" → "$0.0009": at least two decimals, never a digit of money dropped. */
export function money(usd: string | null | undefined, nullText = NONE): string {
  if (usd === null || usd === undefined) return nullText;
  const match = DECIMAL.exec(usd.trim());
  if (!match) return usd;
  const [, sign = "", whole = "0", frac = ""] = match;
  const shown = frac.padEnd(2, "0").replace(/(\d{2}\d*?)0+$/, "$1");
  return `${sign}$${thousands(whole)}.${shown}`;
}

/** Exact sum of the API's decimal USD strings, as a decimal USD string. */
export function sumUsd(values: readonly string[]): string {
  return usdString(values.reduce((total, v) => total + parseUsd(v), 0n));
}

export function count(n: number | null | undefined, nullText = NONE): string {
  if (n === null || n === undefined) return nullText;
  if (!Number.isInteger(n)) return String(n);
  return `${n < 0 ? "-" : ""}${thousands(String(Math.abs(n)))}`;
}

/** An invoice line's quantity (the API's integer string) with separators: "1440", "GPU-minutes" → "1,440 GPU-minutes". */
export function quantity(value: string, unit: string): string {
  const digits = /^-?\d+$/.test(value) ? `${value.startsWith("-") ? "-" : ""}${thousands(value.replace(/^-/, ""))}` : value;
  return `${digits} ${unit}`;
}

/** "2026-11-25T17:04:05.123Z" → "2026-11-25 17:04 UTC". */
export function when(iso: string | null | undefined, nullText = NONE): string {
  if (!iso) return nullText;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function tierLabel(tier: string): string {
  try {
    const rule = tierRule(tier as Tier);
    return tier === "tier0" ? `${rule.label} (tier 0)` : rule.label;
  } catch {
    return tier;
  }
}

export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

const BARS = "▁▂▃▄▅▆▇█";

/**
 * One character per value (zero is the lowest bar, any non-zero value at least the second); more
 * values than `width` are folded into groups by their maximum so a peak is never averaged away.
 */
export function sparkline(values: readonly number[], width = 60): string {
  if (values.length === 0) return "";
  const groups = Math.ceil(values.length / width);
  const folded: number[] = [];
  for (let i = 0; i < values.length; i += groups) folded.push(Math.max(...values.slice(i, i + groups)));
  const peak = Math.max(...folded);
  return folded
    .map((v) => {
      if (v <= 0 || peak <= 0) return BARS[0];
      return BARS[1 + Math.min(BARS.length - 2, Math.floor((v / peak) * (BARS.length - 2)))];
    })
    .join("");
}
