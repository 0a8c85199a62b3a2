// lib/db's ambient transaction: inside inTransaction, db() is the transaction and a verb's own
// db().$transaction joins it (no nested transaction: PGlite's single connection would wait forever),
// so everything commits or rolls back together; outside, db() is the process's client as before.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../helpers/test-db";
import { createAccountFixture } from "../helpers/fixtures";
import { db, inAmbientTransaction, inTransaction } from "@/lib/db";
import { grantCredits } from "@/lib/billing/grant-credits";
import { usd } from "@/lib/money";
import { stripe } from "@/lib/payments/stripe-client";

setupTestDatabase();

const balance = async (accountId: string) =>
  (await db().account.findUniqueOrThrow({ where: { id: accountId }, select: { creditBalanceMicros: true } })).creditBalanceMicros;

const grant = (accountId: string, key: string) =>
  grantCredits({ accountId, amountMicros: usd(10), idempotencyKey: key, kind: "credit_purchase" });

describe("inTransaction", () => {
  it("outside a transaction db() is the process's one client", () => {
    expect(db()).toBe(db());
    expect(inAmbientTransaction()).toBe(false);
  });

  it("verbs with their own $transaction run inside it: they see each other's writes and commit together", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const result = await inTransaction(async (tx) => {
      expect(db()).toBe(tx);
      expect(inAmbientTransaction()).toBe(true);
      await grant(acct.accountId, "ambient-a");
      // The second grant (its own db().$transaction) sees the first one's uncommitted balance.
      await grant(acct.accountId, "ambient-b");
      const nested = await db().$transaction(async (inner) => inner.account.findUniqueOrThrow({ where: { id: acct.accountId } }));
      // The array form runs its queries in the same transaction, in order.
      const [count] = await db().$transaction([db().ledgerEntry.count({ where: { accountId: acct.accountId, kind: "credit_purchase" } })]);
      return { balance: nested.creditBalanceMicros, count };
    });
    expect(result).toEqual({ balance: usd(20), count: 2 });
    expect(await balance(acct.accountId)).toBe(usd(20));
  });

  it("a throw after the verbs committed their part rolls all of it back", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await expect(
      inTransaction(async () => {
        const granted = await grant(acct.accountId, "ambient-rollback");
        expect(granted).toMatchObject({ ok: true, granted: true });
        expect(await balance(acct.accountId)).toBe(usd(10));
        throw new Error("after the effect");
      }),
    ).rejects.toThrow("after the effect");
    expect(await balance(acct.accountId)).toBe(0n);
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, kind: "credit_purchase" } })).toBe(0);
    // The same key grants afterwards: nothing of the rolled-back attempt survived.
    expect(await grant(acct.accountId, "ambient-rollback")).toMatchObject({ ok: true, granted: true });
  });

  it("an inner inTransaction joins the outer one", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await expect(
      inTransaction(async (outer) => {
        await inTransaction(async (inner) => {
          expect(inner).toBe(outer);
          await grant(acct.accountId, "joined");
        });
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    expect(await balance(acct.accountId)).toBe(0n);
  });

  it("work that outlives the transaction falls back to the process's client; Stripe is refused inside", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    let late: Promise<bigint> | undefined;
    await inTransaction(async () => {
      expect(() => stripe()).toThrow(/inside a database transaction/);
      late = new Promise((resolve, reject) => setTimeout(() => balance(acct.accountId).then(resolve, reject), 50));
    });
    expect(await late).toBe(0n);
    expect(inAmbientTransaction()).toBe(false);
  });

  it("concurrent transactions do not see each other's ambient client", async () => {
    const a = await createAccountFixture({ tier: "tier1" });
    const b = await createAccountFixture({ tier: "tier1" });
    const results = await Promise.allSettled([
      inTransaction(async () => {
        await grant(a.accountId, "concurrent-a");
        throw new Error("a fails");
      }),
      inTransaction(async () => {
        await grant(b.accountId, "concurrent-b");
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
    expect([await balance(a.accountId), await balance(b.accountId)]).toEqual([0n, usd(10)]);
  });
});
