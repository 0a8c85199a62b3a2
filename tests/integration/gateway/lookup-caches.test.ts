// The gateway's API-key and account-status lookups are cached for one second. A revocation or
// suspension written by another instance (straight to the database here, so this instance's caches
// are not told) shows once the cached lookup is a second old.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { authenticateApiKey } from "@/lib/keys/authenticate-api-key";
import { AccountStateCache } from "@/lib/gateway/account-state";

setupTestDatabase();

describe("lookup caches", () => {
  it("a key revoked elsewhere stops working once its cached lookup is 1 s old", async () => {
    const { apiKey } = await createAccountFixture({ tier: "tier1" });
    const t0 = Date.now();
    expect(await authenticateApiKey(apiKey, t0)).not.toBeNull();
    await db().apiKey.updateMany({ where: { prefix: apiKey.slice(0, 12) }, data: { revokedAt: new Date() } });
    expect(await authenticateApiKey(apiKey, t0 + 999)).not.toBeNull();
    expect(await authenticateApiKey(apiKey, t0 + 1_000)).toBeNull();
  });

  it("a suspension written elsewhere is seen once the cached status is 1 s old", async () => {
    const { accountId } = await createAccountFixture({ tier: "tier1" });
    let now = Date.now();
    const cache = new AccountStateCache(() => now);
    expect((await cache.get(accountId)).status).toBe("active");
    await db().account.update({ where: { id: accountId }, data: { status: "suspended" } });
    now += 999;
    expect((await cache.get(accountId)).status).toBe("active");
    now += 1;
    expect((await cache.get(accountId)).status).toBe("suspended");
  });
});
