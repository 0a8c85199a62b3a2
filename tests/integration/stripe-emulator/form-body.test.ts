// Stripe's form encoding, as the SDK writes it.
import { describe, expect, it } from "vitest";
import { parseForm } from "@/stripe-emulator/http/form-body";

describe("parseForm", () => {
  it("builds nested objects and indexed arrays", () => {
    expect(
      parseForm(
        "mode=payment&line_items[0][price_data][unit_amount]=500&line_items[0][quantity]=1&line_items[1][quantity]=2&metadata[account_id]=acc%201&expand[0]=a&expand[1]=b",
      ),
    ).toEqual({
      mode: "payment",
      line_items: [{ price_data: { unit_amount: "500" }, quantity: "1" }, { quantity: "2" }],
      metadata: { account_id: "acc 1" },
      expand: ["a", "b"],
    });
  });

  it("accepts empty-bracket arrays, encoded brackets and '+' spaces", () => {
    expect(parseForm("expand[]=x&expand[]=y&metadata%5Bnote%5D=a+b")).toEqual({ expand: ["x", "y"], metadata: { note: "a b" } });
  });

  it("keeps an empty value as the unset marker", () => {
    expect(parseForm("description=&metadata=")).toEqual({ description: "", metadata: "" });
  });

  it("refuses prototype keys", () => {
    expect(() => parseForm("__proto__[x]=1")).toThrow();
  });
});
