// Factories for tests: accounts in a given state, built through the same verbs the app uses.
import { db } from "@/lib/db";
import type { Tier } from "@/lib/db/generated/enums";
import { postLedgerEntry } from "@/lib/billing/post-ledger-entry";
import type { UsageCharge } from "@/lib/billing/charge-usage-batch";
import { syncSuspension } from "@/lib/billing/suspension";
import { createApiKey } from "@/lib/keys/create-api-key";
import { hashPassword } from "@/lib/auth/password";
import { seedModels } from "@/lib/seed/seed-demo";
import { gateway } from "@/lib/gateway/context";

let counter = 0;
let cachedHash: Promise<string> | undefined;

export interface AccountFixture {
  accountId: string;
  ownerId: string;
  ownerEmail: string;
  apiKey: string;
  apiKeyId: string;
}

export async function createAccountFixture(
  opts: {
    tier?: Tier;
    creditsMicros?: bigint;
    historicalMicros?: bigint;
    paymentMethod?: boolean;
    spendLimitMicros?: bigint | null;
    name?: string;
  } = {},
): Promise<AccountFixture> {
  const n = ++counter;
  const tier = opts.tier ?? "tier1";
  const email = `owner-${process.pid}-${n}-${Date.now()}@example.test`;
  const passwordHash = await (cachedHash ??= hashPassword("fixture-password"));
  const { accountId, ownerId } = await db().$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email, passwordHash }, select: { id: true } });
    const account = await tx.account.create({
      data: {
        name: opts.name ?? `Account ${n}`,
        tier,
        spendLimitMicros: opts.spendLimitMicros ?? null,
        historicalMicros: opts.historicalMicros ?? 0n,
      },
      select: { id: true },
    });
    await tx.membership.create({ data: { userId: user.id, accountId: account.id, role: "owner" } });
    if (opts.paymentMethod ?? tier !== "tier0") {
      await tx.paymentMethod.create({
        data: {
          accountId: account.id,
          stripePaymentMethodId: `pm_fixture_${account.id}`,
          brand: "visa",
          last4: "4242",
          expMonth: 12,
          expYear: 2030,
        },
      });
    }
    if (opts.creditsMicros) {
      await postLedgerEntry(tx, {
        accountId: account.id,
        kind: "promotional_credit",
        amountMicros: opts.creditsMicros,
        idempotencyKey: `fixture:${account.id}`,
        description: "Fixture credit",
      });
    }
    await syncSuspension(tx, account.id);
    return { accountId: account.id, ownerId: user.id };
  });
  const key = await createApiKey(accountId, "fixture", ownerId);
  return { accountId, ownerId, ownerEmail: email, apiKey: key.secret, apiKeyId: key.id };
}

export async function addMemberFixture(accountId: string): Promise<{ userId: string; apiKey: string }> {
  const n = ++counter;
  const passwordHash = await (cachedHash ??= hashPassword("fixture-password"));
  const user = await db().user.create({ data: { email: `member-${process.pid}-${n}@example.test`, passwordHash }, select: { id: true } });
  await db().membership.create({ data: { userId: user.id, accountId, role: "member" } });
  const key = await createApiKey(accountId, "member key", user.id);
  return { userId: user.id, apiKey: key.secret };
}

export async function seedModelsFixture(): Promise<void> {
  await seedModels();
}

/** A model with its own (small, fast) rate-limit policy and prices, for gateway tests. */
export async function createModelFixture(
  opts: {
    name?: string;
    baseRpm?: number;
    capRpm?: number;
    growthRpmPerMinute?: number;
    tokensPromptPerRequest?: number;
    tokensGeneratedPerReq?: number;
    defaultMaxTokens?: number;
    concurrency?: number;
    tokensPerSecond?: number;
    firstTokenMs?: number;
    inputPricePerMTok?: bigint;
    outputPricePerMTok?: bigint;
    capacityTokensPerMin?: number;
    contextWindow?: number;
  } = {},
): Promise<{ id: string; name: string }> {
  const name = opts.name ?? `test-model-${process.pid}-${++counter}`;
  const model = await db().model.create({
    data: {
      name,
      displayName: name,
      sizeClass: "small",
      inputPricePerMTok: opts.inputPricePerMTok ?? 1_000_000n,
      outputPricePerMTok: opts.outputPricePerMTok ?? 2_000_000n,
      capacityTokensPerMin: opts.capacityTokensPerMin ?? 100_000_000,
      ...(opts.contextWindow === undefined ? {} : { contextWindow: opts.contextWindow }),
      concurrency: opts.concurrency ?? 64,
      tokensPerSecond: opts.tokensPerSecond ?? 0,
      firstTokenMs: opts.firstTokenMs ?? 0,
      policy: {
        create: {
          baseRpm: opts.baseRpm ?? 60,
          capRpm: opts.capRpm ?? 2000,
          growthRpmPerMinute: opts.growthRpmPerMinute ?? 12,
          tokensPromptPerRequest: opts.tokensPromptPerRequest ?? 1000,
          tokensGeneratedPerReq: opts.tokensGeneratedPerReq ?? 100,
          defaultMaxTokens: opts.defaultMaxTokens ?? 16,
        },
      },
    },
    select: { id: true, name: true },
  });
  // As an operator's edit would on this instance: the gateway sees the new model at once.
  gateway().catalog.invalidate();
  return model;
}

/**
 * A served request's usage as the gateway meters it (lib/billing/charge-usage-batch): whose, which
 * model and its request id; everything else a small plain request unless overridden.
 */
export function usageChargeFixture(
  requestId: string,
  accountId: string,
  model: { id: string; name: string },
  overrides: Partial<UsageCharge> = {},
): UsageCharge {
  return {
    requestId,
    accountId,
    apiKeyId: null,
    modelId: model.id,
    modelName: model.name,
    promptTokens: 3,
    completionTokens: 2,
    n: 1,
    costMicros: 100n,
    overLimit: false,
    streamed: false,
    abandoned: false,
    latencyMs: 1,
    leaseId: null,
    limits: { requests: 60, tokensPrompt: 60_000, tokensGenerated: 6_000 },
    at: new Date(),
    ...overrides,
  };
}
