// Pure helpers behind the console's figures and forms: exact money display, tier progress, the
// credit-amount and spend-limit rules, and where API errors land on a form.
import { describe, expect, it } from "vitest";
import { daysUntil, money, resetsIn, spendPercent, tierProgress, timeAgo } from "@/components/account/format";
import { creditAmountSchema, ladderRows, returnKind } from "@/components/billing/format";
import { ApiError } from "@/components/console/api";
import { errorsFromApi, errorsFromIssues, stripParam } from "@/components/console/form-errors";
import { INVOICE_STATUS, invoiceStatus, isPayable, lineQuantity } from "@/components/invoices/format";
import { countPercent, spendLimitBoundError } from "@/components/quotas/format";
import { updateSpendLimitSchema } from "@/lib/quotas/schemas";

describe("account figures", () => {
  it("shows exact decimal strings as dollars", () => {
    expect(money("50.00")).toBe("$50.00");
    expect(money("1234.5")).toBe("$1,234.50");
    expect(money("0.000900")).toBe("$0.00");
  });

  it("says how much more historical spend the next tier needs, exactly", () => {
    expect(tierProgress("963.00", "1000.00")).toEqual({ percent: 96, remaining: "$37.00", reached: false });
    expect(tierProgress("0.10", "100.00")).toEqual({ percent: 0, remaining: "$99.90", reached: false });
    expect(tierProgress("0.000001", "100")).toMatchObject({ remaining: "$99.99" }); // display rounds toward zero
    expect(tierProgress("1000.00", "1000.00")).toEqual({ percent: 100, remaining: "$0.00", reached: true });
  });

  it("measures spend against the limit", () => {
    expect(spendPercent("25.00", "50.00")).toBe(50);
    expect(spendPercent("80.00", "50.00")).toBe(100);
    expect(spendPercent("0.00", "0.00")).toBe(100);
    expect(spendPercent("10.00", null)).toBe(0);
  });

  it("counts days to the reset and how long ago a key was used", () => {
    const now = new Date("2026-03-30T12:00:00Z");
    expect(daysUntil("2026-04-01T00:00:00Z", now)).toBe(2);
    expect(resetsIn("2026-04-01T00:00:00Z", now)).toBe("in 2 days");
    expect(resetsIn("2026-03-31T00:00:00Z", now)).toBe("in 1 day");
    expect(timeAgo(null, now)).toBe("never");
    expect(timeAgo("2026-03-30T11:55:00Z", now)).toBe("5 min ago");
    expect(timeAgo("2026-03-28T12:00:00Z", now)).toBe("2 days ago");
  });
});

describe("billing rules", () => {
  it("takes whole dollars from $5 to $50,000 for credits, like the API", () => {
    expect(creditAmountSchema.safeParse({ amountUsd: "25" }).success).toBe(true);
    expect(creditAmountSchema.safeParse({ amountUsd: "50000" }).success).toBe(true);
    for (const bad of ["4", "50001", "12.50", "abc", ""]) expect(creditAmountSchema.safeParse({ amountUsd: bad }).success, bad).toBe(false);
    expect(creditAmountSchema.safeParse({ amountUsd: "4" }).error?.issues[0]?.message).toBe("must be between $5.00 and $50,000.00");
  });

  it("marks the account's place on the tier ladder", () => {
    const rows = ladderRows("tier2", "tier3");
    expect(rows.map((r) => [r.tier, r.state])).toEqual([
      ["tier0", "done"],
      ["tier1", "done"],
      ["tier2", "current"],
      ["tier3", "next"],
      ["tier4", "later"],
      ["unlimited", "later"],
    ]);
    expect(rows.find((r) => r.tier === "tier3")).toMatchObject({ qualifies: "$1,000.00 historical spend", cap: "$5,000.00 / month" });
  });

  it("reads Stripe Checkout's return", () => {
    expect(returnKind({ checkout: "success" })).toBe("checkout-success");
    expect(returnKind({ checkout: "cancelled" })).toBe("checkout-cancelled");
    expect(returnKind({ setup: "success" })).toBe("setup-success");
    expect(returnKind({})).toBeNull();
  });

  it("checks the spend limit against the tier cap and names the bound", () => {
    const parsed = updateSpendLimitSchema.parse({ value: "60" });
    expect(spendLimitBoundError(parsed.value, "50.00", "Tier 1")).toBe("must be between $0.00 and $50.00, the Tier 1 cap");
    expect(spendLimitBoundError("50", "50.00", "Tier 1")).toBeNull();
    expect(spendLimitBoundError("1000000", null, "Unlimited")).toBeNull();
    expect(updateSpendLimitSchema.safeParse({ value: "12.345" }).success).toBe(false);
  });

  it("knows which invoices can be paid", () => {
    expect(["draft", "open", "paid", "failed", "void"].filter(isPayable)).toEqual(["open", "failed"]);
    expect(INVOICE_STATUS.failed!.tone).toBe("danger");
    // Under the $0.50 minimum card charge: waiting for the next invoice, or settled in a later one.
    expect(invoiceStatus({ status: "draft", carriedForward: true, carriedToInvoiceId: null })).toMatchObject({ label: "Carried forward" });
    expect(invoiceStatus({ status: "paid", carriedForward: false, carriedToInvoiceId: "inv_2" }).help).toMatch(/later invoice/);
    expect(invoiceStatus({ status: "paid", carriedForward: false, carriedToInvoiceId: null })).toBe(INVOICE_STATUS.paid);
    // Line quantities are exact integer strings (tokens can pass 2^53): shown with separators, never rounded.
    expect(lineQuantity("1440", "GPU-minutes")).toBe("1,440 GPU-minutes");
    expect(lineQuantity("9007199254740993", "tokens")).toBe("9,007,199,254,740,993 tokens");
    expect(countPercent(3, 8)).toBe(38);
    expect(countPercent(1, 0)).toBe(100);
  });
});

describe("form errors", () => {
  it("puts zod issues on their fields, the first message per field", () => {
    expect(
      errorsFromIssues([
        { path: ["value"], message: "first" },
        { path: ["value"], message: "second" },
        { path: [], message: "whole form" },
        { path: ["policy", "capRpm"], message: "nested" },
      ]),
    ).toEqual({ value: "first", form: "whole form", "policy.capRpm": "nested" });
  });

  it("puts an API error on the field it names, without the field prefix", () => {
    const err = new ApiError(400, "invalid_request_error", "value: must be between 0 and 50.00 (the tier1 cap)", "value");
    expect(errorsFromApi(err, ["value"])).toEqual({ value: "must be between 0 and 50.00 (the tier1 cap)" });
    // Named only in the message:
    expect(errorsFromApi(new ApiError(400, "x", "amountUsd: must be at least 5.00 USD"), ["amountUsd"])).toEqual({
      amountUsd: "must be at least 5.00 USD",
    });
    // Nested params with a prefix (the policy form's "policy.baseRpm"):
    expect(errorsFromApi(new ApiError(400, "x", "policy.baseRpm: Too small", "policy.baseRpm"), ["baseRpm"], "policy.")).toEqual({
      baseRpm: "Too small",
    });
    // Unknown field or no field → on the form:
    expect(errorsFromApi(new ApiError(403, "forbidden", "Only the account's owner can do this."), ["value"])).toEqual({
      form: "Only the account's owner can do this.",
    });
    expect(errorsFromApi(new Error("offline"), ["value"])).toEqual({ form: "offline" });
    expect(stripParam("policy.capRpm: too big", "policy.capRpm")).toBe("too big");
  });
});
