// Pure helpers of the policy editor: the form's text fields ↔ a Policy, and the simulator's minutes
// → chart rows and milestones ("60 → 120 (10 min) → 720 (1 h)"). Tested in tests/unit/console.
import type { Policy } from "@/lib/limits/policy";
import type { SimulatedMinute } from "@/lib/limits/simulate";

export const POLICY_FIELDS: readonly { key: keyof Policy; label: string; hint: string }[] = [
  { key: "baseRpm", label: "Base RPM", hint: "Limit with no sustained usage; never decays below it." },
  { key: "capRpm", label: "Cap RPM", hint: "The limit never grows above it." },
  { key: "growthRpmPerMinute", label: "Growth (RPM per sustained minute)", hint: "L = min(cap, max(base, growth × sustained minutes))." },
  { key: "sustainThresholdPct", label: "Sustain threshold (%)", hint: "A minute at or above this share of the limit is sustained." },
  { key: "idleThresholdPct", label: "Idle threshold (%)", hint: "A minute below this share (every dimension) decays growth." },
  { key: "decayHalfLifeMinutes", label: "Decay half-life (idle minutes)", hint: "Idle minutes after which the grown part halves." },
  { key: "tokensPromptPerRequest", label: "Prompt tokens per request", hint: "ITPM = this × RPM." },
  { key: "tokensGeneratedPerReq", label: "Generated tokens per request", hint: "OTPM = this × RPM." },
  { key: "hardMultiplier", label: "Hard multiplier h", hint: "429 when a bucket would fall below −(h−1)·L." },
  { key: "growthGatePct", label: "Growth gate (% of capacity)", hint: "Above this model load no limit grows." },
  { key: "defaultMaxTokens", label: "Default max_tokens", hint: "Reserved per completion when a request names none." },
];

export type PolicyForm = Record<keyof Policy, string>;

export function toForm(p: Policy): PolicyForm {
  return Object.fromEntries(POLICY_FIELDS.map((f) => [f.key, String(p[f.key])])) as PolicyForm;
}

/**
 * The form's text as numbers for policySchema. Text that is not a whole number is reported here
 * (the schema would only say "expected number"); the schema checks ranges and relations.
 */
export function fromForm(
  form: PolicyForm,
): { ok: true; value: Record<keyof Policy, number> } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const value = {} as Record<keyof Policy, number>;
  for (const f of POLICY_FIELDS) {
    const text = form[f.key].trim();
    if (!/^\d{1,9}$/.test(text)) errors[f.key] = "must be a whole number";
    else value[f.key] = Number(text);
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

/** The fields whose values differ (what a save would change). */
export function changedFields(a: Policy, b: Policy): (keyof Policy)[] {
  return POLICY_FIELDS.map((f) => f.key).filter((k) => a[k] !== b[k]);
}

export interface PreviewRow {
  minute: number;
  limitRpm: number;
  sent: number;
  inLimit: number;
  overLimit: number;
  rejected: number;
}

export function previewRows(minutes: readonly SimulatedMinute[]): PreviewRow[] {
  return minutes.map((m) => ({
    minute: m.minute,
    limitRpm: m.limits.requests,
    sent: m.sent,
    inLimit: m.admittedInLimit,
    overLimit: m.admittedOverLimit,
    rejected: m.rejected,
  }));
}

/** "0:00", "10 min", "1 h", "2 h 05 min" for an axis or a milestone. */
export function formatMinute(m: number): string {
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest === 0 ? `${h} h` : `${h} h ${String(rest).padStart(2, "0")} min`;
}

/** The limit at the start and at each milestone minute within the run, e.g. [{0,60},{10,120},{60,720}]. */
export function milestones(
  minutes: readonly SimulatedMinute[],
  at: readonly number[] = [10, 60, 120, 240, 480, 1440],
): { minute: number; rpm: number }[] {
  const out: { minute: number; rpm: number }[] = [];
  const first = minutes[0];
  if (first) out.push({ minute: first.minute, rpm: first.limits.requests });
  for (const m of at) {
    const row = minutes[m];
    if (row) out.push({ minute: m, rpm: row.limits.requests });
  }
  return out;
}

/** "60 → 120 (10 min) → 720 (1 h)". */
export function milestoneText(points: readonly { minute: number; rpm: number }[]): string {
  return points.map((p, i) => (i === 0 ? String(p.rpm) : `${p.rpm} (${formatMinute(p.minute)})`)).join(" → ");
}
