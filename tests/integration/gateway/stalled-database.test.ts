// The database answers, but slowly: a transaction elsewhere holds the account's row lock. A flush
// held up by it is waited for — the response goes out once the usage is committed, instead of a
// 503 "not recorded" for a request that is charged anyway (a retry paid twice). A request that
// needs a new spend lease meanwhile gets 503 service_unavailable within the grant's lock timeout,
// not a hang nor a 500. (PostgreSQL only: PGlite has one connection, nothing waits on a lock.)
process.env.HEADROOM_METER_WAIT_MS = "400";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { startGatewayServer } from "../../helpers/gateway-server";
import { closeGateway } from "@/lib/gateway/context";
import { db } from "@/lib/db";
import { usageRecordId } from "@/lib/billing/charge-usage-batch";

const database = setupTestDatabase();
const onPostgres = Boolean(process.env.DATABASE_URL);
let server: { url: string; close: () => Promise<void> };
let model: { id: string; name: string };

beforeAll(async () => {
  if (!onPostgres) return;
  server = await startGatewayServer("fast-path");
  model = await createModelFixture({ baseRpm: 600, capRpm: 600 });
});
afterAll(async () => {
  if (!onPostgres) return;
  await server.close();
  await closeGateway();
});

/** Holds the account's row lock from another connection for `ms`; `released` settles when it is let go. */
async function holdAccountLock(accountId: string, ms: number): Promise<{ released: Promise<void> }> {
  const client = new pg.Client({ connectionString: database.current!.url! });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`SELECT 1 FROM "Account" WHERE "id" = $1 FOR UPDATE`, [accountId]);
  const released = new Promise<void>((resolve) =>
    setTimeout(() => void client.query("ROLLBACK").then(() => client.end().then(resolve)), ms),
  );
  return { released };
}

const ask = (apiKey: string) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "hello" }], max_tokens: 4 }),
  });

describe.skipIf(!onPostgres)("a database that stalls on a lock", () => {
  it("a response whose flush waits on the lock goes out once its usage is committed, charged once", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    expect((await ask(acct.apiKey)).status).toBe(200); // leases budget: the next request needs no grant
    const { released } = await holdAccountLock(acct.accountId, 1_500); // past the 400 ms meter wait
    const res = await ask(acct.apiKey);
    await released;
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id")!;
    expect(await db().usageRecord.count({ where: { id: usageRecordId(requestId) } })).toBe(1);
    expect(await db().ledgerEntry.count({ where: { idempotencyKey: `usage:${requestId}` } })).toBe(1);
  });

  it("a request that needs a new lease meanwhile is 503 service_unavailable, not a hang or a 500", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const { released } = await holdAccountLock(acct.accountId, 8_000); // longer than the grant's 4 s lock timeout
    const res = await ask(acct.apiKey);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { type: string; request_id: string; message: string } };
    expect(body.error.type).toBe("service_unavailable");
    expect(body.error.request_id).toBe(res.headers.get("x-request-id"));
    expect(body.error.message).not.toMatch(/at \w+ \(|\.ts:\d+/);
    await released;
    expect((await ask(acct.apiKey)).status).toBe(200); // and it recovers by itself
  }, 20_000);
});
