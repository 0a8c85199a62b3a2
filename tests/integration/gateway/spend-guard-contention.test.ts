// A crowd of requests at the spend limit: each hears "limit" (402), not "cannot be checked" (503).
// Requests waiting for another's lease grant used to ask again one by one when it was refused — one
// row lock each, one refusal per round — and those left when the rounds ran out were told the limit
// could not be checked, a 503 their SDK retries.
import { afterEach, describe, expect, it } from "vitest";
import { SpendGuard } from "@/lib/gateway/spend-guard";
import { usd } from "@/lib/money";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";

setupTestDatabase();

const guards: SpendGuard[] = [];
afterEach(async () => {
  for (const g of guards.splice(0)) await g.close();
});

describe("spend reservations under contention", () => {
  it("400 concurrent requests against a limit that fits 3: 3 reserved, 397 refused for the limit", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    const guard = new SpendGuard("crowd");
    guards.push(guard);
    const results = await Promise.all(Array.from({ length: 400 }, () => guard.reserve(acct.accountId, 300_000n)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(397);
    // Every refusal says what the limit is and what is left: the gateway answers 402 spend_limit_reached.
    expect(refused.filter((r) => r.limitMicros !== usd(1))).toEqual([]);
    expect(new Set(refused.map((r) => r.availableMicros))).toEqual(new Set([100_000n]));
  });

  it("a waiter that needs less than the refusal found left still asks for itself", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    const guard = new SpendGuard("mixed");
    guards.push(guard);
    // $0.90 reserved; a $0.30 request is refused ($0.10 left) while a $0.05 one waits for that grant.
    expect((await guard.reserve(acct.accountId, 900_000n)).ok).toBe(true);
    const [big, small] = await Promise.all([guard.reserve(acct.accountId, 300_000n), guard.reserve(acct.accountId, 50_000n)]);
    expect(big).toMatchObject({ ok: false, availableMicros: 100_000n, limitMicros: usd(1) });
    expect(small.ok).toBe(true);
  });
});
