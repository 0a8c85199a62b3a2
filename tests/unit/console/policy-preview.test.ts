// The operator's policy editor: form ↔ policy, the preview API's input schema and verb, and the
// growth-curve transform of its chart.
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, policySchema } from "@/lib/limits/policy";
import { PREVIEW_MAX_REQUESTS, policyPreviewSchema, putPolicySchema } from "@/lib/limits/policy-input";
import { previewPolicy } from "@/lib/limits/preview-policy";
import {
  changedFields,
  formatMinute,
  fromForm,
  milestoneText,
  milestones,
  previewRows,
  toForm,
} from "@/components/operator/policy-transform";

describe("policy form", () => {
  it("round-trips a policy through the text fields", () => {
    const form = toForm(DEFAULT_POLICY);
    expect(form.baseRpm).toBe("60");
    const back = fromForm(form);
    expect(back).toEqual({ ok: true, value: { ...DEFAULT_POLICY } });
  });

  it("names fields that are not whole numbers; the schema then checks ranges and relations", () => {
    const bad = fromForm({ ...toForm(DEFAULT_POLICY), baseRpm: "6.5", capRpm: "" });
    expect(bad).toEqual({ ok: false, errors: { baseRpm: "must be a whole number", capRpm: "must be a whole number" } });
    const numbers = fromForm({ ...toForm(DEFAULT_POLICY), capRpm: "10", baseRpm: "60" });
    expect(numbers.ok).toBe(true);
    const parsed = policySchema.safeParse(numbers.ok ? numbers.value : null);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["capRpm"]);
  });

  it("lists what a save would change", () => {
    expect(changedFields(DEFAULT_POLICY, { ...DEFAULT_POLICY, baseRpm: 6, growthRpmPerMinute: 6 })).toEqual([
      "baseRpm",
      "growthRpmPerMinute",
    ]);
    expect(changedFields(DEFAULT_POLICY, { ...DEFAULT_POLICY })).toEqual([]);
  });
});

describe("preview input", () => {
  it("defaults to tracking the limit for three hours at no model load", () => {
    const input = policyPreviewSchema.parse({ policy: DEFAULT_POLICY });
    expect(input).toMatchObject({ traffic: { kind: "track" }, minutes: 180, modelLoadPct: 0 });
  });

  it("refuses an unknown traffic pattern and too many minutes, naming the field", () => {
    const bad = policyPreviewSchema.safeParse({ policy: DEFAULT_POLICY, traffic: "lots", minutes: 5000 });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join("."));
    expect(paths).toContain("traffic");
    expect(paths).toContain("minutes");
  });

  it("PUT takes a whole policy, validated like the store's", () => {
    expect(putPolicySchema.safeParse({ policy: { ...DEFAULT_POLICY, sustainThresholdPct: 20 } }).success).toBe(false); // idle 30 ≥ sustain 20
    expect(
      putPolicySchema.safeParse({ policy: { ...DEFAULT_POLICY, baseRpm: 6, growthRpmPerMinute: 6, sustainThresholdPct: 50 } }).success,
    ).toBe(true);
  });
});

describe("previewPolicy", () => {
  it("reproduces SPEC §6's default growth: 60 → 120 (10 min) → 720 (1 h) → 1440 (2 h)", () => {
    const result = previewPolicy(policyPreviewSchema.parse({ policy: DEFAULT_POLICY, minutes: 180 }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const points = milestones(result.minutes, [10, 60, 120]);
    expect(points).toEqual([
      { minute: 0, rpm: 60 },
      { minute: 10, rpm: 120 },
      { minute: 60, rpm: 720 },
      { minute: 120, rpm: 1440 },
    ]);
    expect(milestoneText(points)).toBe("60 → 120 (10 min) → 720 (1 h) → 1440 (2 h)");
    expect(result.summary).toMatchObject({ startRpm: 60, endRpm: 2000, capReachedAtMinute: 167 });
  });

  it("shows the e2e test policy's fast growth (base 6, +6 per sustained minute)", () => {
    const policy = { ...DEFAULT_POLICY, baseRpm: 6, growthRpmPerMinute: 6, sustainThresholdPct: 50 };
    const result = previewPolicy(policyPreviewSchema.parse({ policy, minutes: 5 }));
    expect(result.ok && result.minutes.map((m) => m.limits.requests)).toEqual([6, 6, 12, 18, 24]);
  });

  it("grows nothing while the model runs above the growth gate", () => {
    const result = previewPolicy(policyPreviewSchema.parse({ policy: DEFAULT_POLICY, minutes: 30, modelLoadPct: 95 }));
    expect(result.ok && result.summary.endRpm).toBe(60);
  });

  it("refuses previews that would simulate too many requests", () => {
    const result = previewPolicy(policyPreviewSchema.parse({ policy: { ...DEFAULT_POLICY, capRpm: 1_000_000 }, minutes: 1440 }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.param).toBe("minutes");
      expect(result.message).toContain(PREVIEW_MAX_REQUESTS.toLocaleString("en-US"));
    }
  });

  it("turns simulated minutes into chart rows", () => {
    const result = previewPolicy(policyPreviewSchema.parse({ policy: DEFAULT_POLICY, traffic: "constant:150", minutes: 2 }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const rows = previewRows(result.minutes);
    expect(rows).toHaveLength(2);
    for (const [i, row] of rows.entries()) {
      const m = result.minutes[i]!;
      expect(row).toEqual({
        minute: i,
        limitRpm: 60,
        sent: 150,
        inLimit: m.admittedInLimit,
        overLimit: m.admittedOverLimit,
        rejected: m.rejected,
      });
      expect(row.inLimit + row.overLimit + row.rejected).toBe(150);
    }
    expect(rows[1]!.rejected).toBeGreaterThan(0); // 2.5× the limit, sustained: 429s by the second minute
  });

  it("formats minutes for axes and milestones", () => {
    expect([0, 10, 60, 125, 1440].map(formatMinute)).toEqual(["0 min", "10 min", "1 h", "2 h 05 min", "24 h"]);
  });
});
