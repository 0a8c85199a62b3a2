// The database goes away while responses wait for their usage to be committed (PostgreSQL behind a
// TCP proxy the test cuts). A caller waits HEADROOM_METER_WAIT_MS at most: a plain response is then
// withdrawn — the client gets 503 with its request id and is never charged — while a stream the
// client already received stays queued and is charged once the database is back. What the meter
// says it did is what the ledger shows. (PostgreSQL only: PGlite runs in-process.)
process.env.HEADROOM_METER_WAIT_MS = "400";

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture, usageChargeFixture } from "../../helpers/fixtures";
import { startGatewayServer } from "../../helpers/gateway-server";
import { TcpProxy } from "../limits/tcp-proxy";
import { closeDb, openPostgres, setDb } from "@/lib/db";
import { closeGateway, gateway } from "@/lib/gateway/context";
import { Meter, MeterUnavailableError } from "@/lib/gateway/meter";
import { fileDoubtJournal } from "@/lib/gateway/doubt-journal";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";

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

const usageCount = async (requestIds: string[]) =>
  Number((await direct.query(`SELECT count(*) AS n FROM "UsageRecord" WHERE "requestId" = ANY($1)`, [requestIds])).rows[0].n);

describe.skipIf(!onPostgres)("metering while the database is unreachable", () => {
  it("the meter withdraws what it may, keeps the rest, and reports which it did", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const charge = (requestId: string) => usageChargeFixture(requestId, acct.accountId, model, { costMicros: 5n });
    const meter = new Meter();
    await meter.record(charge("req_outage_before"));
    expect(await usageCount(["req_outage_before"])).toBe(1);

    await proxy.cut();
    // A first record finds the database gone; its retries back off (100, 200, 400 ms…), so the
    // records below wait in the queue rather than in a flush (in a flush, none could be withdrawn).
    const probe = meter.record(charge("req_outage_probe"));
    await new Promise((r) => setTimeout(r, 500));
    const started = performance.now();
    const unsent = Array.from({ length: 5 }, (_, i) => `req_outage_unsent_${i}`);
    const delivered = Array.from({ length: 5 }, (_, i) => `req_outage_delivered_${i}`);
    const outcomes = await Promise.all([
      ...unsent.map((id) =>
        meter.record(charge(id), { waitMs: 300, withdrawOnTimeout: true }).then(
          () => "committed",
          (e: unknown) => e,
        ),
      ),
      ...delivered.map((id) =>
        meter.record(charge(id), { waitMs: 300 }).then(
          () => "committed",
          (e: unknown) => e,
        ),
      ),
    ]);
    // Every caller heard within its wait (plus one sweep), none of them "committed".
    expect(performance.now() - started).toBeLessThan(300 + 1_000);
    for (const o of outcomes) expect(o).toBeInstanceOf(MeterUnavailableError);
    const withdrawn = unsent.filter((_, i) => (outcomes[i] as MeterUnavailableError).withdrawn);
    const kept = [...unsent.filter((id) => !withdrawn.includes(id)), ...delivered, "req_outage_probe"];
    expect(withdrawn.length).toBeGreaterThan(0); // queued behind a failing flush, not in it
    for (let i = 0; i < delivered.length; i++) expect((outcomes[unsent.length + i] as MeterUnavailableError).withdrawn).toBe(false);

    // A caller told "still queued" hears how it ends (`committed`): not yet, while the database is gone…
    const settled = (i: number) => (outcomes[i] as MeterUnavailableError).committed;
    const notYet = Symbol("not yet");
    for (let i = 0; i < outcomes.length; i++) {
      const now = await Promise.race([settled(i), new Promise((r) => setTimeout(r, 10, notYet))]);
      expect(now).toBe((outcomes[i] as MeterUnavailableError).withdrawn ? false : notYet);
    }

    await proxy.start(proxy.port);
    await probe;
    await meter.drain();
    expect(await usageCount(withdrawn)).toBe(0);
    expect(await usageCount(kept)).toBe(kept.length);
    // …committed once it is back (a withdrawn record: never).
    for (let i = 0; i < outcomes.length; i++) expect(await settled(i)).toBe(!(outcomes[i] as MeterUnavailableError).withdrawn);
    await meter.close();
  });

  it("a record withdrawn after a flush whose outcome was unknown is settled once the database is back: charged, it is credited back; not, it is fenced", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const charge = (requestId: string) => usageChargeFixture(requestId, acct.accountId, model, { costMicros: 7n });
    const meter = new Meter({}, 500);
    await meter.record(charge("req_doubt_warm"));
    const notYet = Symbol("not yet");
    const pending = (p: Promise<boolean>) => Promise.race([p, new Promise((r) => setTimeout(r, 10, notYet))]);

    // 1. PostgreSQL runs and commits the flush, but its answer never arrives: the connection is lost.
    proxy.cutWhenAnswered("req_doubt_committed");
    const committedThough = await meter.record(charge("req_doubt_committed"), { waitMs: 300, withdrawOnTimeout: true }).then(
      () => null,
      (e: unknown) => e as MeterUnavailableError,
    );
    expect(committedThough).toBeInstanceOf(MeterUnavailableError);
    expect(committedThough!.withdrawn).toBe(true); // what the client is told: 503, not charged
    expect(await usageCount(["req_doubt_committed"])).toBe(1); // yet it was charged
    expect(await pending(committedThough!.committed)).toBe(notYet); // in doubt until checked

    // 2. The statement is sent but never reaches PostgreSQL: the same doubt, but nothing was charged.
    await proxy.start(proxy.port);
    // Once the meter has committed again (its retry backoff over), so the record goes straight into a
    // flush: one still queued behind a retry timer when its wait ends is withdrawn without any doubt.
    await meter.record(charge("req_doubt_warm_again"));
    proxy.cutWhenSent("req_doubt_never_ran");
    const neverRan = await meter.record(charge("req_doubt_never_ran"), { waitMs: 300, withdrawOnTimeout: true }).then(
      () => null,
      (e: unknown) => e as MeterUnavailableError,
    );
    expect(neverRan!.withdrawn).toBe(true);
    expect(await pending(neverRan!.committed)).toBe(notYet);

    // Once the database answers (and the check's time has come), each doubt is settled.
    await proxy.start(proxy.port);
    expect(await committedThough!.committed).toBe(true);
    expect(await neverRan!.committed).toBe(false);
    // Fenced: a withdrawn record at no cost holds its request id, so the statement that carried it,
    // were it still to arrive, would charge nothing.
    const fence = await direct.query(`SELECT "withdrawn", "costMicros"::text AS cost FROM "UsageRecord" WHERE "requestId" = $1`, [
      "req_doubt_never_ran",
    ]);
    expect(fence.rows).toEqual([{ withdrawn: true, cost: "0" }]);
    const { rows } = await direct.query(
      `SELECT "idempotencyKey", "amountMicros"::text AS amount FROM "LedgerEntry" WHERE "accountId" = $1 AND "kind" = 'adjustment'`,
      [acct.accountId],
    );
    expect(rows).toEqual([{ idempotencyKey: "withdrawn:req_doubt_committed", amount: "7" }]);
    // The counters still agree with the ledger: the charge stands in monthly spend, its amount is back as credits.
    const account = (await direct.query(`SELECT "creditBalanceMicros"::text AS credits FROM "Account" WHERE "id" = $1`, [acct.accountId]))
      .rows[0];
    expect(account.credits).toBe("7");
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
    // The owner is told.
    const notes = (await direct.query(`SELECT "kind", "title", "body" FROM "Notification" WHERE "accountId" = $1`, [acct.accountId])).rows;
    expect(notes).toEqual([
      expect.objectContaining({
        kind: "usage_credited",
        title: "$0.000007 of usage credited back",
        body: expect.stringContaining("req_doubt_committed"),
      }),
    ]);
    await meter.close();
  });

  it("a meter closing (graceful shutdown) checks its records in doubt at once, not when they fall due", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const meter = new Meter({}, 60_000); // records in doubt fall due a minute after they are withdrawn
    await meter.record(usageChargeFixture("req_close_warm", acct.accountId, model, { costMicros: 3n }));
    proxy.cutWhenAnswered("req_close_doubt");
    const doubt = await meter
      .record(usageChargeFixture("req_close_doubt", acct.accountId, model, { costMicros: 3n }), { waitMs: 300, withdrawOnTimeout: true })
      .then(
        () => null,
        (e: unknown) => e as MeterUnavailableError,
      );
    expect(doubt!.withdrawn).toBe(true);
    await proxy.start(proxy.port);
    const started = performance.now();
    await meter.close();
    expect(await doubt!.committed).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
    const { rows } = await direct.query(`SELECT "idempotencyKey" FROM "LedgerEntry" WHERE "accountId" = $1 AND "kind" = 'adjustment'`, [
      acct.accountId,
    ]);
    expect(rows).toEqual([{ idempotencyKey: "withdrawn:req_close_doubt" }]);
  });

  it("a process SIGKILLed with a charged response in doubt: the next one on the same data folder and database credits it from the journal", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "headroom-journal-")), "meter-doubts");
    const proxied = new URL(database.current!.url!);
    proxied.port = String(proxy.port);
    // The process to be killed, metering through the proxy.
    const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/doubt-child.ts"], {
      cwd: path.resolve(import.meta.dirname, "../../.."),
      env: {
        ...process.env,
        DOUBT_DATABASE_URL: proxied.toString(),
        DOUBT_JOURNAL_DIR: dir,
        DOUBT_ACCOUNT_ID: acct.accountId,
        DOUBT_MODEL_ID: model.id,
        DOUBT_MODEL_NAME: model.name,
        DOUBT_REQUEST_ID: "req_killed_charged",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const printed = async (text: string) => {
      for (const until = Date.now() + 30_000; !out.includes(text);) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`the child did not print "${text}":\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await printed("warm");
      proxy.cutWhenAnswered("req_killed_charged");
      child.stdin!.write("go\n");
      await printed("withdrawn"); // its client heard 503, "not charged"…
      expect(await usageCount(["req_killed_charged"])).toBe(1); // …though it was
      // By then the doubt was on disk.
      const [file] = fs.readdirSync(dir);
      expect(fs.readFileSync(path.join(dir, file!), "utf8")).toContain('"requestId":"req_killed_charged"');
    } finally {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await gone;
    }
    await proxy.start(proxy.port);

    // The next process (this one, on the same database URL): it takes over the dead one's journal and settles it.
    const next = new Meter({}, 100);
    next.useJournal(fileDoubtJournal(dir, proxied.toString()));
    const credit = async () =>
      (
        await direct.query(
          `SELECT "idempotencyKey", "amountMicros"::text AS amount FROM "LedgerEntry" WHERE "accountId" = $1 AND "kind" = 'adjustment'`,
          [acct.accountId],
        )
      ).rows;
    for (const until = Date.now() + 10_000; (await credit()).length === 0 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 100));
    expect(await credit()).toEqual([{ idempotencyKey: "withdrawn:req_killed_charged", amount: "11" }]);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
    // Settled, it leaves the journal: nothing is left for a third process.
    for (const until = Date.now() + 5_000; fs.readdirSync(dir).length > 0 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 50));
    expect(fs.readdirSync(dir)).toEqual([]);
    await next.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }, 60_000);

  it("a plain response is refused with 503 and its request id, a stream ends with an error event; the first is not charged, the second is", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const call = (stream: boolean) =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${acct.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "hello" }], max_tokens: 4, stream }),
      });
    // Warm: the key, the account's state and a spend lease are held in memory, so only the meter
    // needs the database below.
    expect((await call(false)).status).toBe(200);

    await proxy.cut();
    const plain = await call(false);
    const plainId = plain.headers.get("x-request-id")!;
    expect(plain.status).toBe(503);
    const body = (await plain.json()) as { error: { type: string; message: string; request_id: string } };
    expect(body.error.type).toBe("service_unavailable");
    expect(body.error.request_id).toBe(plainId);
    expect(body.error.message).toContain("not answering");

    const streamed = await call(true);
    const streamId = streamed.headers.get("x-request-id")!;
    expect(streamed.status).toBe(200);
    const text = await streamed.text();
    expect(text).not.toContain("[DONE]");
    expect(text).toContain('"type":"service_unavailable"');
    // The stream will be charged: its spend reservation is held until the charge lands (the plain
    // response's, withdrawn, went back).
    expect(gateway().guard.holding(acct.accountId)).toBe(1);

    await proxy.start(proxy.port);
    await new Promise((r) => setTimeout(r, 50));
    // The stream's usage is committed once the database answers; the plain response's never is.
    const deadline = Date.now() + 10_000;
    while ((await usageCount([streamId])) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await usageCount([streamId])).toBe(1);
    await gateway().meter.drain();
    expect(gateway().guard.holding(acct.accountId)).toBe(0);
    expect(await usageCount([plainId])).toBe(0);
    // The account's counters agree with its ledger.
    const { rows } = await direct.query(
      `SELECT a."monthlySpendMicros"::text AS spend, (SELECT COALESCE(SUM(l."creditMicros" + l."invoiceMicros"), 0)::text FROM "LedgerEntry" l WHERE l."accountId" = a."id" AND l."kind" = 'usage_charge') AS ledger FROM "Account" a WHERE a."id" = $1`,
      [acct.accountId],
    );
    expect(rows[0].spend).toBe(rows[0].ledger);
  });

  it("a database that stops answering altogether (no reply, no reset) still gets a plain response its 503, not a hang", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const call = () =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${acct.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "hello" }], max_tokens: 4 }),
      });
    expect((await call()).status).toBe(200);
    proxy.hang(); // the flush's statement reaches no server: its statement timeout never fires
    const hung = await call(); // answered once the driver gives up on the flush (15 s), not after TCP's ~15 min
    expect(hung.status).toBe(503);
    expect(((await hung.json()) as { error: { type: string } }).error.type).toBe("service_unavailable");
    await proxy.cut();
    await proxy.start(proxy.port);
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) status = (await call()).status;
    expect(status).toBe(200);
    expect(await usageCount([hung.headers.get("x-request-id")!])).toBe(0);
  }, 40_000);
});
