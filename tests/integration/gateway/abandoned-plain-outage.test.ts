// A plain (non-streaming) response whose client hangs up mid-answer while the database is
// unreachable (PostgreSQL behind a TCP proxy the test cuts). Nobody is waiting to be told "not
// charged", and the tokens were generated: like a stream the client received, its usage stays
// queued past HEADROOM_METER_WAIT_MS — its spend reservation held — and is charged, as abandoned,
// once the database answers (SPEC §7). A client still waiting gets its 503 and is not charged
// (meter-outage.test.ts). (PostgreSQL only: PGlite runs in-process.)
process.env.HEADROOM_METER_WAIT_MS = "400";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { startGatewayServer } from "../../helpers/gateway-server";
import { TcpProxy } from "../limits/tcp-proxy";
import { closeDb, openPostgres, setDb } from "@/lib/db";
import { closeGateway, gateway } from "@/lib/gateway/context";
import { requestCostMicros } from "@/lib/money";

const database = setupTestDatabase();
const onPostgres = Boolean(process.env.DATABASE_URL);
const proxy = new TcpProxy("127.0.0.1", 5432);
let direct: pg.Client;
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  if (!onPostgres) return;
  await proxy.start();
  // Everything the app does goes through the proxy; the test's own checks do not.
  const url = new URL(database.current!.url!);
  url.port = String(proxy.port);
  await closeDb();
  setDb(openPostgres(url.toString(), 4));
  direct = new pg.Client({ connectionString: database.current!.url! });
  await direct.connect();
  server = await startGatewayServer("fast-path");
});

afterAll(async () => {
  if (!onPostgres) return;
  await server.close();
  await closeGateway();
  await direct.end();
  await proxy.cut().catch(() => undefined);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!onPostgres)("a plain response abandoned while the database is unreachable", () => {
  it("stays queued past the meter's wait, holds its spend reservation, and is charged for what was generated once the database answers", async () => {
    // 20 tokens a second, 40 asked for: the whole answer would take about 2 s.
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000, tokensPerSecond: 20, firstTokenMs: 0 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const call = (maxTokens: number, signal?: AbortSignal) =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${acct.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "Tell me a long story." }], max_tokens: maxTokens }),
        signal,
      });
    // Warm: the key, the account's state and a spend lease are held in memory, so only the meter
    // needs the database below.
    expect((await call(1)).status).toBe(200);
    const usage = async () =>
      (
        await direct.query(
          `SELECT "completionTokens", "promptTokens", "abandoned", "streamed", "costMicros"::text AS cost FROM "UsageRecord" WHERE "accountId" = $1 AND "abandoned"`,
          [acct.accountId],
        )
      ).rows as { completionTokens: number; promptTokens: number; abandoned: boolean; streamed: boolean; cost: string }[];

    await proxy.cut();
    const abort = new AbortController();
    const answer = call(40, abort.signal).catch((e: unknown) => e);
    await sleep(600);
    abort.abort(); // the client hangs up about 12 tokens into the answer
    expect(await answer).toBeInstanceOf(Error);

    // Well past the meter's wait (400 ms): not withdrawn — still queued, its spend reservation held.
    await sleep(1_500);
    expect(gateway().guard.holding(acct.accountId)).toBe(1);
    expect(await usage()).toEqual([]);

    await proxy.start(proxy.port);
    const deadline = Date.now() + 10_000;
    while ((await usage()).length === 0 && Date.now() < deadline) await sleep(100);
    const records = await usage();
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record).toMatchObject({ abandoned: true, streamed: false });
    expect(record.completionTokens).toBeGreaterThan(0);
    expect(record.completionTokens).toBeLessThan(40);
    expect(BigInt(record.cost)).toBe(requestCostMicros(record.promptTokens, record.completionTokens, 1_000_000n, 2_000_000n));
    await gateway().meter.drain();
    expect(gateway().guard.holding(acct.accountId)).toBe(0);
    // The account's counters agree with its ledger (the warm-up's charge and this one).
    const { rows } = await direct.query(
      `SELECT a."monthlySpendMicros"::text AS spend, (SELECT COALESCE(SUM(l."creditMicros" + l."invoiceMicros"), 0)::text FROM "LedgerEntry" l WHERE l."accountId" = a."id" AND l."kind" = 'usage_charge') AS ledger, (SELECT count(*)::int FROM "LedgerEntry" l WHERE l."accountId" = a."id" AND l."kind" = 'usage_charge') AS charges FROM "Account" a WHERE a."id" = $1`,
      [acct.accountId],
    );
    expect(rows[0]).toMatchObject({ charges: 2 });
    expect(rows[0].spend).toBe(rows[0].ledger);
  }, 30_000);
});
