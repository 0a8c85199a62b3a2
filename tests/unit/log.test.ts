// errorSummary: one readable line per error for the logs, whatever shape the message has.
import { describe, expect, it } from "vitest";
import { errorSummary } from "@/lib/log";

describe("errorSummary", () => {
  it("keeps the first line of a plain error", () => {
    expect(errorSummary(new Error('duplicate key value violates unique constraint "x"\nDETAIL: Key (id)=(1)'))).toBe(
      'duplicate key value violates unique constraint "x"',
    );
  });

  it("takes the cause from the end of a Prisma message, not its empty first line", () => {
    const prisma = new Error(
      '\nInvalid `tx.suspensionReason.upsert()` invocation in\n/app/lib/billing/suspension.ts:80:45\n\n  79 for (…)\n→ 80 const row = await tx.suspensionReason.upsert(\n\nError occurred during query execution:\nConnectorError("suspension writes refused")',
    );
    expect(errorSummary(prisma)).toBe('ConnectorError("suspension writes refused")');
  });

  it("names an error without a message, shortens a long one, and prints what is not an Error", () => {
    expect(errorSummary(new TypeError(""))).toBe("TypeError");
    expect(errorSummary(new Error("x".repeat(400)))).toHaveLength(301);
    expect(errorSummary("socket hang up")).toBe("socket hang up");
  });
});
