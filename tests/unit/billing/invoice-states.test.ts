// The invoice state table (SPEC §4) and its ordering safety: late and duplicate events never undo a newer state.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { invoiceTransition, replayInvoice, type InvoiceEvent } from "@/lib/billing/invoice-states";
import type { InvoiceStatus } from "@/lib/db/generated/enums";

const STATES: InvoiceStatus[] = ["draft", "open", "paid", "failed", "void"];
const EVENTS: InvoiceEvent[] = ["open", "fail", "pay", "void"];

describe("invoice transitions", () => {
  it.each([
    ["draft", "open", "applied", "open"],
    ["draft", "pay", "applied", "paid"],
    ["draft", "fail", "applied", "failed"],
    ["open", "fail", "applied", "failed"],
    ["open", "pay", "applied", "paid"],
    ["open", "open", "duplicate", "open"],
    ["failed", "pay", "applied", "paid"],
    ["failed", "fail", "duplicate", "failed"],
    ["failed", "open", "ignored", "failed"],
    ["open", "void", "applied", "void"],
    ["paid", "fail", "ignored", "paid"],
    ["paid", "open", "ignored", "paid"],
    ["paid", "pay", "duplicate", "paid"],
    ["paid", "void", "ignored", "paid"],
    ["void", "pay", "ignored", "void"],
  ] as const)("%s + %s → %s (%s)", (from, event, outcome, to) => {
    expect(invoiceTransition(from, event)).toEqual({ outcome, to });
  });

  it("paid and void are final", () => {
    fc.assert(
      fc.property(fc.constantFrom<InvoiceStatus>("paid", "void"), fc.array(fc.constantFrom(...EVENTS)), (final, events) => {
        expect(replayInvoice(final, events)).toBe(final);
      }),
    );
  });

  it("every state answers every event (total table), and only 'applied' changes the state", () => {
    for (const s of STATES) {
      for (const e of EVENTS) {
        const t = invoiceTransition(s, e);
        if (t.outcome !== "applied") expect(t.to).toBe(s);
        else expect(t.to).not.toBe(s);
      }
    }
  });

  it("Stripe's events for one invoice reach the same state in any delivery order, with duplicates", () => {
    // A real invoice sees: open, then zero or more failures, then maybe paid — delivered in any order, repeated.
    const history = fc
      .record({ failures: fc.nat({ max: 3 }), paid: fc.boolean() })
      .map(({ failures, paid }) => [
        ...Array<InvoiceEvent>(1).fill("open"),
        ...Array<InvoiceEvent>(failures).fill("fail"),
        ...(paid ? ["pay" as const] : []),
      ]);
    fc.assert(
      fc.property(
        history.chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
            fc.array(fc.constantFrom(...events)),
          ),
        ),
        ([events, shuffled, duplicates]) => {
          const expected = events.includes("pay") ? "paid" : events.includes("fail") ? "failed" : "open";
          expect(replayInvoice("draft", [...shuffled, ...duplicates])).toBe(expected);
        },
      ),
    );
  });
});
