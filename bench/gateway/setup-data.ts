// The benchmark's data: the seeded models, a 1M-RPM model and a Tier 4 account with its key, whose
// policy measures the enforcement machinery rather than the rate limit itself. Idempotent.
import { db } from "../../lib/db";
import { seedModels } from "../../lib/seed/seed-demo";
import { createApiKey } from "../../lib/keys/create-api-key";
import { postLedgerEntry } from "../../lib/billing/post-ledger-entry";
import { usd } from "../../lib/money";

export const BENCH_KEY = "hr_benchBenchBenchBenchBenchBenchBenchBench";
export const BENCH_MODEL = "bench-8b";

/**
 * BENCH_ACCOUNTS=N: the key of benchmark account i (0 is BENCH_KEY's). Each account's usage is
 * committed in its own lane, so N > 1 shows what the gateway serves across accounts, beyond one
 * account's serial group commit.
 */
export function benchKey(i: number): string {
  return i === 0 ? BENCH_KEY : `hr_bench${String(i).padStart(3, "0")}`.padEnd(BENCH_KEY.length, "x");
}

export function benchAccounts(): number {
  return Math.max(1, Number(process.env.BENCH_ACCOUNTS ?? 1));
}

export async function seedBenchAccount(): Promise<void> {
  await seedModels();
  if (!(await db().model.findUnique({ where: { name: BENCH_MODEL } }))) {
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
  }
  for (let i = 0; i < benchAccounts(); i++) {
    if (await db().apiKey.findUnique({ where: { prefix: benchKey(i).slice(0, 12) } })) continue;
    const account = await db().account.create({ data: { name: i === 0 ? "Benchmark" : `Benchmark ${i}`, tier: "tier4" } });
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
    await createApiKey(account.id, "bench", null, benchKey(i));
  }
}
