// The limits in force are stored on each usage record in int4 columns (chart annotations). A limit
// past int4 — a policy whose grown ITPM exceeds 2,147,483,647 — must not make PostgreSQL refuse the
// record (SQLSTATE 22003): the meter would drop it, and the served request would go uncharged.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture, usageChargeFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { chargeUsageBatch, usageRecordId } from "@/lib/billing/charge-usage-batch";

setupTestDatabase();

const INT4_MAX = 2_147_483_647;

describe("usage records with limits beyond int4", () => {
  it("are charged, with the limits clamped to the int4 maximum", async () => {
    await seedModelsFixture();
    const model = await db().model.findFirstOrThrow({ select: { id: true, name: true } });
    const acct = await createAccountFixture({ tier: "tier1" });
    // 1,000,000 RPM × 4,000 prompt tokens per request; 1,000,000 × 2,500 generated.
    const limits = { requests: 1_000_000, tokensPrompt: 4_000_000_000, tokensGenerated: 2_500_000_000 };
    const result = await chargeUsageBatch([
      usageChargeFixture("req_int4_big", acct.accountId, model, { costMicros: 42n, limits }),
      usageChargeFixture("req_int4_edge", acct.accountId, model, {
        costMicros: 8n,
        limits: { requests: 60, tokensPrompt: INT4_MAX, tokensGenerated: INT4_MAX + 0.5 },
      }),
    ]);
    expect(result.charged).toBe(2);
    const big = await db().usageRecord.findUniqueOrThrow({ where: { id: usageRecordId("req_int4_big") } });
    expect([big.limitRequests, big.limitTokensPrompt, big.limitTokensGenerated]).toEqual([1_000_000, INT4_MAX, INT4_MAX]);
    const edge = await db().usageRecord.findUniqueOrThrow({ where: { id: usageRecordId("req_int4_edge") } });
    expect([edge.limitRequests, edge.limitTokensPrompt, edge.limitTokensGenerated]).toEqual([60, INT4_MAX, INT4_MAX]);
    const entry = await db().ledgerEntry.findUniqueOrThrow({ where: { idempotencyKey: "usage:req_int4_big" } });
    expect(entry.creditMicros + entry.invoiceMicros).toBe(42n);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.monthlySpendMicros).toBe(50n);
  });
});
