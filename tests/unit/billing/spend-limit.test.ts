// SPEC §3 spend limits: $0 … cap in whole cents; a limit at the cap follows the cap on upgrades, a lowered one stays.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSpendLimit, UNLIMITED_MAX } from "@/lib/billing/set-spend-limit";
import { effectiveSpendLimit, tierCap, tierRank, TIER_LADDER } from "@/lib/billing/tiers";
import { MICROS_PER_CENT, usd } from "@/lib/money";
import type { Tier } from "@/lib/db/generated/enums";

const PAID: Tier[] = ["tier1", "tier2", "tier3", "tier4"];
const cents = (max: bigint) => fc.bigInt({ min: 0n, max: max / MICROS_PER_CENT }).map((c) => c * MICROS_PER_CENT);

describe("checkSpendLimit", () => {
  it("accepts every whole-cent value from 0 to the cap, and the effective limit is that value", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAID), fc.nat(), (tier, seed) => {
        const cap = tierCap(tier, 0n, 0n)!;
        const value = (BigInt(seed) * MICROS_PER_CENT) % (cap + MICROS_PER_CENT);
        const r = checkSpendLimit(value, tier, cap);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.followsCap).toBe(value === cap);
        const stored = r.followsCap ? null : value;
        expect(effectiveSpendLimit(tier, stored, 0n, 0n)).toBe(value);
      }),
    );
  });

  it("refuses above the cap, negatives, fractions of a cent and non-BigInt values", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAID), fc.bigInt({ min: 1n, max: usd(1_000_000) }), (tier, extra) => {
        const cap = tierCap(tier, 0n, 0n)!;
        const r = checkSpendLimit(cap + extra, tier, cap);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reason).toBe((cap + extra) % MICROS_PER_CENT === 0n ? "above_cap" : "not_whole_cents");
      }),
    );
    expect(checkSpendLimit(-1n, "tier1", usd(50))).toMatchObject({ ok: false, reason: "negative" });
    expect(checkSpendLimit(1n, "tier1", usd(50))).toMatchObject({ ok: false, reason: "not_whole_cents" });
    expect(checkSpendLimit(Number.NaN, "tier1", usd(50))).toMatchObject({ ok: false, reason: "invalid_amount" });
    expect(checkSpendLimit(10, "tier1", usd(50))).toMatchObject({ ok: false, reason: "invalid_amount" });
    expect(checkSpendLimit(usd(50) + MICROS_PER_CENT, "tier1", usd(50))).toMatchObject({ ok: false, reason: "above_cap" });
  });

  it("unlimited accounts may set any limit up to the stored bound", () => {
    expect(checkSpendLimit(usd(1_000_000), "unlimited", null)).toMatchObject({ ok: true, followsCap: false });
    expect(checkSpendLimit(UNLIMITED_MAX + MICROS_PER_CENT, "unlimited", null)).toMatchObject({ ok: false, reason: "above_cap" });
  });

  it("on an upgrade a limit at the old cap follows the new cap; a lowered one stays", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAID), fc.constantFrom(...PAID), cents(usd(50_000)), (from, to, raw) => {
        fc.pre(tierRank(to) > tierRank(from));
        const oldCap = tierCap(from, 0n, 0n)!;
        const value = raw > oldCap ? oldCap : raw;
        const r = checkSpendLimit(value, from, oldCap);
        if (!r.ok) throw new Error("expected ok");
        const stored = r.followsCap ? null : value;
        const after = effectiveSpendLimit(to, stored, 0n, 0n);
        expect(after).toBe(value === oldCap ? tierCap(to, 0n, 0n) : value);
      }),
    );
  });

  it("the ladder's caps are the SPEC §3 table", () => {
    expect(TIER_LADDER.map((r) => [r.tier, r.cap])).toEqual([
      ["tier0", null],
      ["tier1", usd(50)],
      ["tier2", usd(500)],
      ["tier3", usd(5_000)],
      ["tier4", usd(50_000)],
      ["unlimited", null],
    ]);
  });
});
