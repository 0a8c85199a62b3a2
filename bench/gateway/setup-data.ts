// The benchmark's data: the seeded models, a 1M-RPM model and a Tier 4 account with its key, whose
// policy measures the enforcement machinery rather than the rate limit itself. Idempotent.
import { db } from "../../lib/db";
import { seedModels } from "../../lib/seed/seed-demo";
import { createApiKey } from "../../lib/keys/create-api-key";
import { postLedgerEntry } from "../../lib/billing/post-ledger-entry";
import { usd } from "../../lib/money";

export const BENCH_KEY = "hr_benchBenchBenchBenchBenchBenchBenchBench";
export const BENCH_MODEL = "bench-8b";

export async function seedBenchAccount(): Promise<void> {
  await seedModels();
  const existing = await db().apiKey.findUnique({ where: { prefix: BENCH_KEY.slice(0, 12) } });
  if (!existing) {
    await db().model.create({
      data: {
        name: BENCH_MODEL,
        displayName: "Benchmark 8B",
        sizeClass: "small",
        inputPricePerMTok: 200_000n,
        outputPricePerMTok: 200_000n,
        capacityTokensPerMin: 2_000_000_000,
        concurrency: 1024,
        tokensPerSecond: 0,
        firstTokenMs: 0,
        policy: { create: { baseRpm: 1_000_000, capRpm: 1_000_000, tokensPromptPerRequest: 1000, tokensGeneratedPerReq: 100 } },
      },
    });
    const account = await db().account.create({ data: { name: "Benchmark", tier: "tier4" } });
    await db().paymentMethod.create({
      data: {
        accountId: account.id,
        stripePaymentMethodId: `pm_bench_${account.id}`,
        brand: "visa",
        last4: "4242",
        expMonth: 12,
        expYear: 2035,
      },
    });
    // Tier 4's history as a real purchase in the ledger, so the counters match it (the reconcile job
    // that runs at start-up finds nothing to re-check under the account's lock).
    await db().$transaction((tx) =>
      postLedgerEntry(tx, {
        accountId: account.id,
        kind: "credit_purchase",
        amountMicros: usd(10_000),
        historicalMicros: usd(10_000),
        idempotencyKey: `bench:${account.id}`,
        description: "Bench credit purchase",
      }),
    );
    await createApiKey(account.id, "bench", null, BENCH_KEY);
  }
}
